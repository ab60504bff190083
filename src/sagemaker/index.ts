export * from './create-processing-job';
