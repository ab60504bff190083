export * from './poller-job';
