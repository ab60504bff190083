import { TOKEN_TABLE } from './job-event-keys';

/**
 * The definition of the per-stack resume path's Express state machine (JSONata), as plain ASL: it holds no CloudFormation
 * value (the table's name and the job's key come in the execution's input), so the same object is deployed, validated
 * and executed offline.
 *
 * Input (from the rule's input transformer): `{ "jobKeyPrefix": "<source>|<detail-type>|", "jobId": <detail.jobField>,
 * "tableName": "<table>" }`. The job's id is inserted as a JSON value (outside quotes), so whatever it holds arrives
 * intact: EventBridge does not escape the values it inserts inside a quoted string
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
 *
 * 1. `Job key`: the table's `jobKey`, `<prefix><job id>`; `$failures` starts at 0.
 * 2. `Query tokens`: DynamoDB Query on the key, strongly consistent (a token stored just before the event is seen),
 *    at most {@link QUERY_PAGE_SIZE} items a page (a page stays far below Step Functions' 256 KiB payload limit: a
 *    task token is at most 1,024 characters).
 * 3. `Resume waiters`: for each item (at most {@link RESUME_CONCURRENCY} at a time), `SendTaskSuccess` with its token,
 *    then `DeleteItem` on the condition that the item still holds that token (a later round of the same waiter may
 *    have stored a new one since the Query). A token already used, timed out or unknown is not retried and goes
 *    straight to the delete; a failed condition is a no-op. Other errors (throttling, …) are retried with backoff;
 *    when the retries are spent the item counts as a failure and the other items go on.
 * 4. `More tokens?`: the next page while the Query returns `LastEvaluatedKey`.
 * 5. `All handled?`: the execution fails (`JobEvents.Incomplete`, visible in the machine's `ExecutionsFailed`
 *    metric and its log group) when some item failed; a waiter that was not resumed is woken by its round's timeout.
 *
 * Repeated events, events for tokens already used and events for jobs nobody waits on end in `Done`.
 */

/** Items per Query page. */
export const QUERY_PAGE_SIZE = 50;

/** Waiters resumed at a time. */
export const RESUME_CONCURRENCY = 10;

/**
 * Errors of `SendTaskSuccess` that say the token can no longer be answered: the task timed out or already ended, the
 * token is malformed, or the task is gone (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html).
 * AWS SDK integrations name errors `<Service>.<Exception>`, in PascalCase with an `Exception` suffix
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html); Step Functions' own service
 * is `Sfn` there (as in `Service: Sfn` of its causes).
 */
export const TOKEN_ENDED_ERRORS = ['Sfn.TaskTimedOutException', 'Sfn.InvalidTokenException', 'Sfn.TaskDoesNotExistException'];

/**
 * The failed condition of the delete: the item holds another token by now (DynamoDB's `ConditionalCheckFailedException`,
 * named `DynamoDb.` by the AWS SDK integration, as recorded from AWS in `DynamoDb.DynamoDbException`).
 */
export const TOKEN_REPLACED_ERROR = 'DynamoDb.ConditionalCheckFailedException';

/** The error of an execution that left some item unhandled. */
export const INCOMPLETE_ERROR = 'JobEvents.Incomplete';

/** Retry of throttling and other transient errors: 1, 2, 4, 8, 16, 20 s (full jitter); well inside Express' 5 minutes. */
const TRANSIENT_RETRY = {
  ErrorEquals: ['States.ALL'],
  IntervalSeconds: 1,
  BackoffRate: 2,
  MaxAttempts: 6,
  MaxDelaySeconds: 20,
  JitterStrategy: 'FULL',
};

/** The Express state machine's definition (see the module comment). */
export function resumeDefinition(): Record<string, any> {
  const { partitionKey, sortKey, tokenAttribute } = TOKEN_TABLE;
  return {
    Comment: 'cdk-sfn-jobs: returns the task tokens stored under a job\'s key when the job\'s end event arrives',
    QueryLanguage: 'JSONata',
    StartAt: 'Job key',
    States: {
      'Job key': {
        Type: 'Pass',
        Output: '{% {\'jobKey\': $states.input.jobKeyPrefix & $states.input.jobId, \'tableName\': $states.input.tableName} %}',
        Assign: { failures: 0 },
        Next: 'Query tokens',
      },
      'Query tokens': {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:query',
        Arguments: '{% {' + [
          '\'TableName\': $states.input.tableName',
          '\'KeyConditionExpression\': \'#jobKey = :jobKey\'',
          `'ExpressionAttributeNames': {'#jobKey': '${partitionKey}', '#waiter': '${sortKey}', '#token': '${tokenAttribute}'}`,
          '\'ExpressionAttributeValues\': {\':jobKey\': {\'S\': $states.input.jobKey}}',
          '\'ProjectionExpression\': \'#waiter, #token\'',
          '\'ConsistentRead\': true',
          `'Limit': ${QUERY_PAGE_SIZE}`,
          '\'ExclusiveStartKey\': $states.input.startKey',
        ].join(', ') + '} %}',
        Output: '{% {\'jobKey\': $states.input.jobKey, \'tableName\': $states.input.tableName, \'items\': $states.result.Items, \'startKey\': $states.result.LastEvaluatedKey} %}',
        Retry: [TRANSIENT_RETRY],
        Next: 'Resume waiters',
      },
      'Resume waiters': {
        Type: 'Map',
        Items: '{% $states.input.items %}',
        // An object of expressions, not one expression: cfn-lint's schema takes ItemSelector as an object only.
        ItemSelector: {
          tableName: '{% $states.input.tableName %}',
          jobKey: '{% $states.input.jobKey %}',
          waiter: `{% $states.context.Map.Item.Value.${sortKey}.S %}`,
          token: `{% $states.context.Map.Item.Value.${tokenAttribute}.S %}`,
        },
        MaxConcurrency: RESUME_CONCURRENCY,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Send task success',
          States: {
            'Send task success': {
              Type: 'Task',
              Resource: 'arn:aws:states:::aws-sdk:sfn:sendTaskSuccess',
              Arguments: {
                TaskToken: '{% $states.input.token %}',
                Output: '{% $string({\'jobEvent\': \'arrived\', \'jobKey\': $states.input.jobKey}) %}',
              },
              Output: '{% $states.input %}',
              // The first retrier that names an error decides: the token errors are not retried.
              Retry: [{ ErrorEquals: TOKEN_ENDED_ERRORS, MaxAttempts: 0 }, TRANSIENT_RETRY],
              Catch: [
                { ErrorEquals: TOKEN_ENDED_ERRORS, Output: '{% $states.input %}', Next: 'Delete token' },
                { ErrorEquals: ['States.ALL'], Output: '{% {\'handled\': false, \'error\': $states.errorOutput.Error} %}', Next: 'Not handled' },
              ],
              Next: 'Delete token',
            },
            'Delete token': {
              Type: 'Task',
              Resource: 'arn:aws:states:::aws-sdk:dynamodb:deleteItem',
              Arguments: {
                TableName: '{% $states.input.tableName %}',
                Key: {
                  [partitionKey]: { S: '{% $states.input.jobKey %}' },
                  [sortKey]: { S: '{% $states.input.waiter %}' },
                },
                ConditionExpression: '#token = :token',
                ExpressionAttributeNames: { '#token': tokenAttribute },
                ExpressionAttributeValues: { ':token': { S: '{% $states.input.token %}' } },
              },
              Output: { handled: true },
              Retry: [{ ErrorEquals: [TOKEN_REPLACED_ERROR], MaxAttempts: 0 }, TRANSIENT_RETRY],
              Catch: [
                { ErrorEquals: [TOKEN_REPLACED_ERROR], Output: { handled: true }, Next: 'Token replaced' },
                { ErrorEquals: ['States.ALL'], Output: '{% {\'handled\': false, \'error\': $states.errorOutput.Error} %}', Next: 'Not handled' },
              ],
              End: true,
            },
            'Token replaced': {
              Type: 'Pass',
              Comment: 'A later round stored a new token under the same key: it stays for the next event',
              End: true,
            },
            'Not handled': {
              Type: 'Pass',
              Comment: 'Retries spent: the waiter wakes at its round\'s timeout, the item expires by TTL',
              End: true,
            },
          },
        },
        Output: '{% {\'jobKey\': $states.input.jobKey, \'tableName\': $states.input.tableName, \'startKey\': $states.input.startKey} %}',
        Assign: { failures: '{% $failures + $count($states.result[handled = false]) %}' },
        Next: 'More tokens?',
      },
      'More tokens?': {
        Type: 'Choice',
        Choices: [{ Condition: '{% $exists($states.input.startKey) %}', Next: 'Query tokens' }],
        Default: 'All handled?',
      },
      'All handled?': {
        Type: 'Choice',
        Choices: [{ Condition: '{% $failures > 0 %}', Next: 'Incomplete' }],
        Default: 'Done',
      },
      'Incomplete': {
        Type: 'Fail',
        Error: INCOMPLETE_ERROR,
        Cause: '{% $string($failures) & \' stored token(s) of \' & $states.input.jobKey & \' could not be returned or deleted after retries; their waiters wake at the timeout of their round\' %}',
      },
      'Done': { Type: 'Succeed' },
    },
  };
}
