export * from './batch-inference-poller-job';
