export * from './job-poller';
export * from './sdk-check';
export * from './poller-job-base';
export * from './job-detection';
