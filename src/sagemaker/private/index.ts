// Shared by the SageMaker job tasks (processing; tuning and labeling reuse it): job kinds, job names, the job
// role derived from what a job touches, the state machine statements per pattern, and statement merging.
export * from './job-kind';
export * from './job-name';
export * from './job-role';
export * from './request';
export * from './state-machine-policy';
export * from './statements';
