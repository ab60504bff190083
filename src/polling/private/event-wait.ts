import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { JobEventSource, jobKeyPrefix, registerJobEventWait, TOKEN_TABLE } from './job-events';
import { DataPath, LanguageStateProps, LanguageTask, LanguageWait } from './states';
import { integrationResourceArn, jsonataString } from '../../private';

/**
 * Seconds a stored token outlives its round: the item's `expiresAt` is the round's entry + its timeout + this margin,
 * so the resume path never reads a token whose round may still be waiting as expired, and Time to Live removes the
 * rest (DynamoDB deletes expired items within a few days; the resume path tolerates a token that has timed out).
 */
export const TOKEN_EXPIRY_MARGIN_SECONDS = 3600;

/**
 * `aws-sdk:dynamodb:putItem.waitForTaskToken`: the AWS SDK integration with the callback pattern (the optimized
 * DynamoDB integration is request-response only).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
export function putItemWaitForTokenArn(): string {
  return integrationResourceArn('aws-sdk:dynamodb', 'putItem', sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN);
}

/** Options of {@link buildEventWait}. */
export interface EventWaitProps {
  /** The state name of the round (`<prefix>: Wait for job event`) and of the net Wait (`<prefix>: Wait`). */
  readonly name: (suffix: string) => LanguageStateProps;
  /** Where the loop keeps its data. */
  readonly data: DataPath;
  /** The field (under `data`) with the round's seconds: what the Wait reads when polling. */
  readonly secondsField: string[];
  /** The event that ends the job. */
  readonly source: JobEventSource;
  /** The key of the job (`job.<jobKey>` under `data`) whose value the event carries. */
  readonly jobKey: string;
  /** The user's table, else the stack's. */
  readonly table?: dynamodb.ITable;
}

/** The round of an event-driven loop: enter at `first`; `next(check)` wires every way out to the check. */
export interface EventWait {
  readonly first: LanguageTask;
  readonly net: LanguageWait;
  readonly table: dynamodb.ITable;
  next(check: sfn.State): void;
}

/**
 * The wait of one round with `JobDetection.events()`, in place of the poll loop's Wait:
 *
 * ```
 * Wait for job event (putItem.waitForTaskToken, TimeoutSeconds = the round's wait) ─ token returned ─► Check job
 *   ├ States.Timeout (no event within the round) ────────────────────────────────────────────────────► Check job
 *   └ States.ALL (the PutItem failed) ─► Wait (the same seconds: the net) ───────────────────────────► Check job
 * ```
 *
 * Always JSONata (a JSONPath state machine may hold JSONata states): only JSONata computes the item's expiry
 * (`$toMillis` of the state's entered time). Its Output, and the catchers', is the state input: the loop's data
 * goes on to the check unchanged, so the check decides as when polling.
 *
 * The item: `jobKey` = `<source>|<detail-type>|<job>` (see `jobKeyPrefix`), `waiter` = the execution's ARN and the
 * state's name (each round of one run overwrites its token; two runs waiting on the same job each keep theirs). The
 * Map item index is not in the context object of the states inside an iteration (only the Map's `ItemSelector` reads
 * `Map.Item`), so iterations of one run share the state name: two iterations waiting on the same job overwrite each
 * other's token, and the other one is woken by its round's timeout. See
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html and
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemselector.html; `token`, `expiresAt` (epoch seconds: the entry, plus the
 * round's wait, plus {@link TOKEN_EXPIRY_MARGIN_SECONDS}).
 */
export function buildEventWait(scope: Construct, props: EventWaitProps): EventWait {
  const { data, name } = props;
  const seconds = data.jsonata(...props.secondsField);
  const jobValue = data.jsonata('job', props.jobKey);
  const expr = (e: string) => `{% ${e} %}`;
  const put = new iam.PolicyStatement({ actions: ['dynamodb:PutItem'] });
  // The table is the resume path's (or the user's), known once the state is registered with it: filled in below.
  const args: Record<string, unknown> = {
    Item: {
      [TOKEN_TABLE.partitionKey]: { S: expr(`${jsonataString(jobKeyPrefix(props.source))} & ${jobValue}`) },
      [TOKEN_TABLE.sortKey]: { S: expr("$states.context.Execution.Id & '|' & $states.context.State.Name") },
      [TOKEN_TABLE.tokenAttribute]: { S: expr('$states.context.Task.Token') },
      [TOKEN_TABLE.ttlAttribute]: {
        N: expr(`$string($floor($toMillis($states.context.State.EnteredTime) / 1000) + ${seconds} + ${TOKEN_EXPIRY_MARGIN_SECONDS})`),
      },
    },
  };
  const keepInput = expr('$states.input');
  const task = new LanguageTask(scope, 'WaitForEvent', {
    ...name('Wait for job event'),
    queryLanguage: sfn.QueryLanguage.JSONATA,
    resource: putItemWaitForTokenArn(),
    parameters: { jsonPath: args, jsonata: args },
    policyStatements: [put],
    io: { jsonPath: {}, jsonata: { TimeoutSeconds: expr(seconds), Output: keepInput } },
  });
  const { table } = registerJobEventWait(scope, { source: props.source, table: props.table, waitState: task });
  args.TableName = table.tableName;
  put.addResources(table.tableArn);

  const net = new LanguageWait(scope, 'Wait', name('Wait'), data, props.secondsField);
  return {
    first: task,
    net,
    table,
    next: (check) => {
      task.next(check);
      task.addCatch(check, { errors: [sfn.Errors.TIMEOUT], outputs: keepInput });
      task.addCatch(net, { errors: [sfn.Errors.ALL], outputs: keepInput });
      net.next(check);
    },
  };
}
