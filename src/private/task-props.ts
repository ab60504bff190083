/**
 * The kinds of aws-cdk-lib's `TaskStateBaseProps` that our tasks hand to `TaskStateBase`, for `checkProps`: aws-cdk-lib
 * reads them only when the state renders (`timeout.toSeconds is not a function` from a plain JavaScript
 * `timeout: 3600`), so each task checks them first.
 */
export const TASK_BASE_PROPS: Record<string, string> = {
  stateName: 'string?',
  comment: 'string?',
  queryLanguage: 'queryLanguage?',
  integrationPattern: 'integrationPattern?',
  timeout: 'duration?',
  taskTimeout: 'timeout?',
  heartbeat: 'duration?',
  heartbeatTimeout: 'timeout?',
  inputPath: 'string?',
  outputPath: 'string?',
  resultPath: 'string?',
  resultSelector: 'object?',
  outputs: 'any?',
  assign: 'object?',
};
