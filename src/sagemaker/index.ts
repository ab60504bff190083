export * from './create-processing-job';
export * from './create-hyper-parameter-tuning-job';
export * from './create-labeling-job';
export * from './pipeline-poller-job';
