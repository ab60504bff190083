// Shared by the SageMaker job tasks (processing, hyperparameter tuning, labeling): job kinds, job names, the job
// role derived from what a job touches, the network, request checks, the state machine statements per pattern,
// statement merging, and the task base class that ties them together.
export * from './checks';
export * from './job-kind';
export * from './job-name';
export * from './job-role';
export * from './job-task';
export * from './network';
export * from './options';
export * from './request';
export * from './state-machine-policy';
export * from './statements';
