export * from './polling';
export * from './batch';
export * from './bedrock';
export * from './ecs';
export * from './emr-serverless';
export * from './glue';
export * from './sagemaker';
export { ExecutionStopped } from './private/abort/cancel-on-stop';
export * as testing from './testing';
