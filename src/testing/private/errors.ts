/**
 * An error raised while a state runs, with Step Functions' error name (`States.Runtime`,
 * `States.QueryEvaluationError`, a task's own error such as `Batch.ClientException`, …) and cause.
 * Retry and Catch match on `error`.
 */
export class StatesError extends Error {
  constructor(public readonly error: string, public readonly cause: string) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
  }
}

/** Step Functions' predefined error names used by the executor. */
export const ERRORS = {
  ALL: 'States.ALL',
  RUNTIME: 'States.Runtime',
  TASK_FAILED: 'States.TaskFailed',
  TIMEOUT: 'States.Timeout',
  HEARTBEAT_TIMEOUT: 'States.HeartbeatTimeout',
  QUERY_EVALUATION: 'States.QueryEvaluationError',
  NO_CHOICE_MATCHED: 'States.NoChoiceMatched',
  RESULT_PATH_MATCH_FAILURE: 'States.ResultPathMatchFailure',
  PARAMETER_PATH_FAILURE: 'States.ParameterPathFailure',
  INTRINSIC_FAILURE: 'States.IntrinsicFailure',
  DATA_LIMIT_EXCEEDED: 'States.DataLimitExceeded',
  BRANCH_FAILED: 'States.BranchFailed',
  EXCEED_TOLERATED_FAILURE_THRESHOLD: 'States.ExceedToleratedFailureThreshold',
  ITEM_READER_FAILED: 'States.ItemReaderFailed',
  RESULT_WRITER_FAILED: 'States.ResultWriterFailed',
  PERMISSIONS: 'States.Permissions',
} as const;
