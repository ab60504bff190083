export * from './job-poller';
export * from './sdk-check';
