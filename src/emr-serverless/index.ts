export * from './start-job-run';
export * from './cancel-job-run';
export * from './start-application';
export * from './stop-application';
export * from './delete-application';
export * from './create-application';
