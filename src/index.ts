export * from './polling';
export * from './batch';
export * from './ecs';
export * from './sagemaker';
export * as testing from './testing';
