export * from './polling';
export * from './batch';
