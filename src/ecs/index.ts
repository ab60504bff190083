export * from './callback-task';
