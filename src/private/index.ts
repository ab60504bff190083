export * from './errors';
export * from './expressions';
export * from './handler';
export * from './iam';
export * from './integration';
export * from './jsonata';
export * from './names';
export * from './validation';
