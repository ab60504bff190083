export * from './polling';
export * from './batch';
export * from './bedrock';
export * from './ecs';
export * from './glue';
export * from './sagemaker';
export * as testing from './testing';
