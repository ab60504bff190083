export * from './job-poller';
