export * from './crawler-poller-job';
