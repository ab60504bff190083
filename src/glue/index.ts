export * from './crawler-poller-job';
export * from './workflow-poller-job';
