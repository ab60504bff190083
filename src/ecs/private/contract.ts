/**
 * What EcsCallbackTask and its bundled `ecs-task-stopped` handler agree on. Plain constants only: the
 * handler bundle imports this file, so it must not pull in aws-cdk-lib.
 */

/** The error a state fails with when its ECS task stopped before the container called back. */
export const TASK_STOPPED_ERROR = 'Ecs.TaskStopped';

/** Default name of the environment variable that carries the task token. */
export const DEFAULT_TOKEN_ENVIRONMENT_NAME = 'TASK_TOKEN';

/** Default name of the environment variable that carries the serialized input. */
export const DEFAULT_INPUT_ENVIRONMENT_NAME = 'TASK_INPUT';

/**
 * The handler's environment variable listing (as a JSON array) every environment variable name that
 * carries a task token in the tasks of its stack.
 */
export const TOKEN_NAMES_VARIABLE = 'TOKEN_ENVIRONMENT_NAMES';

/** RunTask caps `overrides` at 8,192 characters in total, JSON formatting included. */
export const OVERRIDES_MAX_LENGTH = 8192;
