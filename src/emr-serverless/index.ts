export * from './start-job-run';
export * from './cancel-job-run';
