/** Shared test harness: ASL rendering and validation, the offline runner, IAM and cdk-nag checks. */
export * from './asl';
export * from './iam';
export * from './nag';
export * from './runner';
export * from './placements';
