/**
 * Distributed Map on the offline executor: child executions on the scheduler, the reader's S3 calls answered by the
 * mock config or the task handler, the Map Run's history events, transitions, and what the executor refuses.
 * AWS: "Using Map state in Distributed mode" https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 *      "ItemReader (Map)" https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 *      "Tolerated failure threshold" https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html
 *      "Viewing Map Runs" https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html
 */
import * as zlib from 'zlib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { testing } from '../../src';
import { parseCsv } from '../../src/testing/private/states/distributed-map';
import { renderChainable, validateAsl } from '../support/asl';

const { Workflow } = testing;

const LAMBDA = 'arn:aws:states:::lambda:invoke';
const EXCEEDED = 'The specified tolerated failure threshold was exceeded';

function processor(states: Record<string, any>, executionType = 'STANDARD'): any {
  return { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType }, StartAt: Object.keys(states)[0], States: states };
}

/** A Distributed Map whose children call a Lambda function (`Work`) with the item. */
function workMap(language: 'JSONPath' | 'JSONata', extra: Record<string, any> = {}, executionType = 'STANDARD'): any {
  const jsonata = language === 'JSONata';
  return {
    Type: 'Map',
    ...(jsonata ? { Items: '{% $states.input.items %}' } : { ItemsPath: '$.items' }),
    ItemProcessor: processor({
      Work: jsonata
        ? { Type: 'Task', Resource: LAMBDA, Arguments: { Payload: '{% $states.input %}' }, Output: '{% $states.result.Payload %}', End: true }
        : { Type: 'Task', Resource: LAMBDA, Parameters: { 'Payload.$': '$' }, OutputPath: '$.Payload', End: true },
    }, executionType),
    ...extra,
  };
}

/** Doubles the item; an item of 13 fails with Work.Unlucky; each call takes `seconds`. */
function doubler(seconds = 0): testing.ITaskHandler {
  return {
    handle: (inv) => {
      const n = inv.request.Payload;
      return n === 13 ? { error: 'Work.Unlucky', cause: 'thirteen', durationSeconds: seconds } : { result: { Payload: n * 2 }, durationSeconds: seconds };
    },
  };
}

const languages = ['JSONPath', 'JSONata'] as const;

/** The GZIP bytes of `text`, base64-encoded (an object's Body). */
function zlibGzip(text: string): string {
  return zlib.gzipSync(Buffer.from(text)).toString('base64');
}

describe.each(languages)('%s: a Distributed Map runs at every depth', (language) => {
  const jsonata = language === 'JSONata';
  const top = (states: Record<string, any>) => ({ ...(jsonata ? { QueryLanguage: 'JSONata' } : {}), StartAt: Object.keys(states)[0], States: states });
  const places: Array<[string, (map: any) => any]> = [
    ['top level', (map) => top({ M: { ...map, End: true } })],
    ['inside a Parallel', (map) => top({
      Par: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'M', States: { M: { ...map, End: true } } }],
        ...(jsonata ? { Output: '{% $states.result[0] %}' } : { OutputPath: '$[0]' }),
        End: true,
      },
    })],
    ['inside an inline Map', (map) => top({
      Outer: {
        Type: 'Map',
        ...(jsonata ? { Items: '{% [$states.input] %}', Output: '{% $states.result[0] %}' } : { ItemsPath: '$.wrapped', OutputPath: '$[0]' }),
        ItemProcessor: { StartAt: 'M', States: { M: { ...map, End: true } } },
        End: true,
      },
    })],
  ];

  test.each(places)('%s: succeeds with the children\'s outputs in item order', async (_where, place) => {
    // GIVEN
    const definition = place(workMap(language, { MaxConcurrency: 2 }));
    validateAsl(definition);
    const input = { items: [1, 2, 3], wrapped: [{ items: [1, 2, 3] }] };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input, taskHandler: doubler(10) });

    // THEN: two slots, three 10 s children: 20 s
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual([2, 4, 6]);
    expect(result.elapsedSeconds).toBe(20);
  });

  test.each(places)('%s: a child failure beyond the threshold fails with States.ExceedToleratedFailureThreshold', async (_where, place) => {
    // GIVEN
    const definition = place(workMap(language));
    const input = { items: [1, 13, 3], wrapped: [{ items: [1, 13, 3] }] };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input, taskHandler: doubler() });

    // THEN
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.ExceedToleratedFailureThreshold');
    expect(result.cause).toBe(EXCEEDED);
  });

  test('a tolerated failure leaves the failed child execution\'s result in its place', async () => {
    // GIVEN
    const definition = top({ M: { ...workMap(language, { ToleratedFailureCount: 1 }), End: true } });

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: { items: [1, 13, 3] }, taskHandler: doubler() });

    // THEN
    expect(result.output).toEqual([2, {
      Cause: 'thirteen',
      Error: 'Work.Unlucky',
      ExecutionArn: expect.stringMatching(/^arn:aws:states:us-east-1:123456789012:execution:StateMachine\/M:[0-9a-f-]{36}$/),
      Input: '13',
      InputDetails: { Included: true },
      Name: expect.stringMatching(/^[0-9a-f-]{36}$/),
      RedriveCount: 0,
      StartDate: '2026-01-01T00:00:00.000Z',
      StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine/M',
      Status: 'FAILED',
      StopDate: '2026-01-01T00:00:00.000Z',
    }, 6]);
  });
});

describe('the Map Run in the history', () => {
  test('MapRunStarted (with the Map Run ARN) and MapRunSucceeded; the children\'s events are in their own histories', async () => {
    // GIVEN
    const definition = { StartAt: 'M', States: { M: { ...workMap('JSONPath', { Label: 'doubling' }), End: true } } };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: { items: [1, 2] }, taskHandler: doubler(), stateMachineName: 'Jobs' });

    // THEN
    expect(result.history.map((e: any) => e.type)).toEqual([
      'ExecutionStarted', 'MapStateEntered', 'MapRunStarted', 'MapRunSucceeded', 'MapStateExited', 'ExecutionSucceeded',
    ]);
    expect(result.history[2]).toEqual(expect.objectContaining({
      id: 3,
      previousEventId: 2,
      mapRunStartedEventDetails: { mapRunArn: expect.stringMatching(/^arn:aws:states:us-east-1:123456789012:mapRun:Jobs\/doubling:[0-9a-f-]{36}$/) },
    }));
    expect(result.historyEvents).toBe(6);
    // the children's states are still in result.states, under the Map's path
    expect(result.states.filter((s) => s.name === 'Work').map((s) => s.path)).toEqual(['M/0', 'M/1']);
  });

  test('MapRunFailed carries the error and cause', async () => {
    // GIVEN
    const definition = { StartAt: 'M', States: { M: { ...workMap('JSONPath'), End: true } } };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: { items: [13] }, taskHandler: doubler() });

    // THEN
    expect(result.history.map((e: any) => e.type)).toEqual(['ExecutionStarted', 'MapStateEntered', 'MapRunStarted', 'MapRunFailed', 'ExecutionFailed']);
    expect(result.history[3].mapRunFailedEventDetails).toEqual({ error: 'States.ExceedToleratedFailureThreshold', cause: EXCEEDED });
  });
});

describe('state transitions of child executions', () => {
  test.each([
    // ExecutionType, transitions: the Map state, plus one per STANDARD child (AWS bills them), none for EXPRESS
    ['STANDARD', 1 + 3],
    ['EXPRESS', 1],
  ])('%s children', async (executionType, transitions) => {
    // GIVEN
    const definition = { StartAt: 'M', States: { M: { ...workMap('JSONPath', {}, executionType), End: true } } };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: { items: [1, 2, 3] }, taskHandler: doubler() });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.stateTransitions).toBe(transitions);
  });
});

describe('child executions do not see the parent\'s variables', () => {
  test.each([
    ['DISTRIBUTED', undefined],
    ['INLINE', 5],
  ])('%s: an outer variable read in an iteration is %s', async (mode, seen) => {
    // GIVEN
    const itemProcessor = mode === 'DISTRIBUTED'
      ? processor({ Use: { Type: 'Pass', Output: '{% $outer %}', End: true } })
      : { StartAt: 'Use', States: { Use: { Type: 'Pass', Output: '{% $outer %}', End: true } } };
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Set',
      States: {
        Set: { Type: 'Pass', Assign: { outer: 5 }, Next: 'M' },
        M: { Type: 'Map', Items: '{% [1] %}', ItemProcessor: itemProcessor, End: true },
      },
    };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({});

    // THEN
    expect(result.states.find((s) => s.name === 'Use')?.output).toEqual(seen);
  });
});

describe('the ItemReader\'s S3 calls', () => {
  const reader = (extra: Record<string, any> = {}) => ({
    StartAt: 'Read',
    States: {
      Read: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Bucket': 'b', 'Key.$': '$.key' } },
        ItemProcessor: processor({ P: { Type: 'Pass', End: true } }),
        ...extra,
        End: true,
      },
    },
  });

  test('the task handler answers them: called with the Map state\'s name, the reader\'s Resource and its request', async () => {
    // GIVEN
    const calls: any[] = [];
    const taskHandler = { handle: (inv: any) => { calls.push(inv); return { result: { Body: '[1,2]' } }; } };

    // WHEN
    const result = await Workflow.fromDefinition(reader()).execute({ input: { key: 'k.json' }, taskHandler });

    // THEN
    expect(result.output).toEqual([1, 2]);
    expect(calls).toEqual([expect.objectContaining({ stateName: 'Read', resource: 'arn:aws:states:::s3:getObject', request: { Bucket: 'b', Key: 'k.json' } })]);
  });

  test('a mocked Throw fails the Map state with that error, which a Catch handles', async () => {
    // GIVEN
    const mockConfig = {
      StateMachines: { SM: { TestCases: { Missing: { Read: 'NoKey' } } } },
      MockedResponses: { NoKey: { 0: { Throw: { Error: 'S3.NoSuchKeyException', Cause: 'The specified key does not exist.' } } } },
    };
    const { End: _end, ...read } = reader().States.Read;
    const definition = {
      StartAt: 'Read',
      States: { Read: { ...read, Catch: [{ ErrorEquals: ['S3.NoSuchKeyException'], Next: 'Gone' }], Next: 'Gone' }, Gone: { Type: 'Succeed' } },
    };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: { key: 'k' }, mockConfig, testCase: 'Missing', stateMachineName: 'SM' });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ Error: 'S3.NoSuchKeyException', Cause: 'The specified key does not exist.' });
  });

  test('an unanswered read fails the execution with States.Runtime naming the state and the Resource', async () => {
    // WHEN
    const result = await Workflow.fromDefinition(reader()).execute({ input: { key: 'k' } });

    // THEN
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toMatch(/Map state 'Read' reads its items with arn:aws:states:::s3:getObject, which has no mocked response/);
  });

  test('a body that is not JSON fails with States.ItemReaderFailed', async () => {
    // WHEN
    const result = await Workflow.fromDefinition(reader()).execute({ input: { key: 'k' }, taskHandler: { handle: () => ({ result: { Body: 'not json' } }) } });

    // THEN
    expect(result.error).toBe('States.ItemReaderFailed');
    expect(result.cause).toMatch(/State 'Read': the object S3:\/\/b\/k is not valid JSON/);
  });

  test('ListObjectsV2 pages are read until the listing is complete (the continuation token sent back)', async () => {
    // GIVEN
    const requests: any[] = [];
    const pages = [
      { IsTruncated: true, NextContinuationToken: 't1', Contents: [{ Key: 'a', Size: 1, ETag: '"x"', LastModified: 1700000000, StorageClass: 'STANDARD' }] },
      { IsTruncated: false, Contents: [{ Key: 'b', Size: 2, ETag: '"y"', LastModified: 1700000001, StorageClass: 'STANDARD' }] },
    ];
    const definition = {
      StartAt: 'List',
      States: {
        List: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'b' } },
          ItemSelector: { 'key.$': '$$.Map.Item.Value.Key' },
          ItemProcessor: processor({ P: { Type: 'Pass', End: true } }),
          End: true,
        },
      },
    };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({
      taskHandler: { handle: (inv) => { requests.push(inv.request); return { result: pages[inv.invocation] }; } },
    });

    // THEN
    expect(result.output).toEqual([{ key: 'a' }, { key: 'b' }]);
    expect(requests).toEqual([{ Bucket: 'b' }, { Bucket: 'b', ContinuationToken: 't1' }]);
  });

  test('the mock config may name a Distributed Map state with an ItemReader, not one without', () => {
    // GIVEN
    const mockConfig = { StateMachines: { SM: { TestCases: { T: { M: 'R' } } } }, MockedResponses: { R: { 0: { Return: { Body: '[]' } } } } };
    const definition = { StartAt: 'M', States: { M: { ...workMap('JSONPath'), End: true } } };

    // THEN
    return expect(Workflow.fromDefinition(definition).execute({ mockConfig, testCase: 'T', stateMachineName: 'SM' }))
      .rejects.toThrow(/mocks state 'M', which is a Map state: only Task states and Distributed Map states with an ItemReader or a ResultWriter call services/);
  });
});

describe('definitions the executor refuses, by field', () => {
  const map = (extra: Record<string, any>, proc: any = processor({ P: { Type: 'Pass', End: true } })) =>
    ({ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: proc, End: true, ...extra } } });
  const getObject = 'arn:aws:states:::s3:getObject';
  test.each([
    ['ExecutionType missing', map({}, { ...processor({ P: { Type: 'Pass', End: true } }), ProcessorConfig: { Mode: 'DISTRIBUTED' } }), /ExecutionType must be STANDARD or EXPRESS/],
    ['a bad Mode', map({}, { ...processor({ P: { Type: 'Pass', End: true } }), ProcessorConfig: { Mode: 'BIG' } }), /ProcessorConfig.Mode must be INLINE or DISTRIBUTED; got "BIG"/],
    ['ToleratedFailureCount in an inline Map', map({ ToleratedFailureCount: 1 }, { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }), /ToleratedFailureCount need ItemProcessor.ProcessorConfig.Mode DISTRIBUTED/],
    // input-output-itemreader.html: ReaderConfig.Transformation NONE | LOAD_AND_FLATTEN, which needs an InputType
    ['LOAD_AND_FLATTEN without an InputType', map({ ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', ReaderConfig: { Transformation: 'LOAD_AND_FLATTEN' }, Parameters: {} } }), /InputType must be one of CSV, JSON, JSONL, PARQUET with Transformation LOAD_AND_FLATTEN; got undefined/],
    ['LOAD_AND_FLATTEN on getObject', map({ ItemReader: { Resource: getObject, ReaderConfig: { Transformation: 'LOAD_AND_FLATTEN', InputType: 'JSON' }, Parameters: {} } }), /LOAD_AND_FLATTEN needs the Resource arn:aws:states:::s3:listObjectsV2/],
    ['an unknown ManifestType', map({ ItemReader: { Resource: getObject, ReaderConfig: { ManifestType: 'GLUE', InputType: 'CSV' }, Parameters: {} } }), /ManifestType must be ATHENA_DATA or S3_INVENTORY; got "GLUE"/],
    ['an Athena manifest of JSON', map({ ItemReader: { Resource: getObject, ReaderConfig: { ManifestType: 'ATHENA_DATA', InputType: 'JSON' }, Parameters: {} } }), /InputType must be one of CSV, JSONL, PARQUET with ManifestType ATHENA_DATA; got "JSON"/],
    ['an S3 Inventory with an InputType', map({ ItemReader: { Resource: getObject, ReaderConfig: { ManifestType: 'S3_INVENTORY', InputType: 'CSV' }, Parameters: {} } }), /InputType must not be set with ManifestType S3_INVENTORY/],
    ['a manifest listed', map({ ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', ReaderConfig: { ManifestType: 'ATHENA_DATA', InputType: 'CSV' }, Parameters: {} } }), /ManifestType ATHENA_DATA needs the Resource arn:aws:states:::s3:getObject/],
    ['an unknown reader Transformation', map({ ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', ReaderConfig: { Transformation: 'FLAT' }, Parameters: {} } }), /ReaderConfig.Transformation must be NONE or LOAD_AND_FLATTEN; got "FLAT"/],
    // input-output-resultwriter.html: WriterConfig.Transformation NONE | COMPACT | FLATTEN, OutputType JSON | JSONL
    ['an unknown WriterConfig Transformation', map({ ResultWriter: { WriterConfig: { Transformation: 'SQUASH' } } }), /WriterConfig.Transformation must be one of NONE, COMPACT, FLATTEN; got "SQUASH"/],
    ['an unknown WriterConfig OutputType', map({ ResultWriter: { WriterConfig: { OutputType: 'CSV' } } }), /WriterConfig.OutputType must be JSON or JSONL; got "CSV"/],
    ['an unknown InputType', map({ ItemReader: { Resource: getObject, ReaderConfig: { InputType: 'XML' }, Parameters: {} } }), /InputType must be one of JSON, JSONL, CSV, PARQUET, MANIFEST; got "XML"/],
    ['GIVEN without CSVHeaders', map({ ItemReader: { Resource: getObject, ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'GIVEN' }, Parameters: {} } }), /CSVHeaders must be a non-empty array/],
    ['an unknown reader Resource', map({ ItemReader: { Resource: 'arn:aws:states:::s3:headObject', Parameters: {} } }), /ItemReader.Resource must be one of/],
    ['Arguments in a JSONPath reader', map({ ItemReader: { Resource: getObject, ReaderConfig: { InputType: 'JSON' }, Arguments: {} } }), /ItemReader.Arguments is a JSONata field/],
    ['ItemReader and ItemsPath', map({ ItemsPath: '$.x', ItemReader: { Resource: getObject, ReaderConfig: { InputType: 'JSON' }, Parameters: {} } }), /has both ItemReader and ItemsPath/],
    ['a ResultWriter to elsewhere', map({ ResultWriter: { Resource: 'arn:aws:states:::s3:getObject', Parameters: {} } }), /ResultWriter.Resource must be arn:aws:states:::s3:putObject/],
  ])('%s', (_name, definition, message) => {
    expect(() => Workflow.fromDefinition(definition)).toThrow(message);
  });
});

describe('ResultWriter without a Resource formats the output', () => {
  test('WriterConfig Transformation FLATTEN flattens the children\'s arrays', async () => {
    // GIVEN
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ResultWriter: { WriterConfig: { Transformation: 'FLATTEN', OutputType: 'JSON' } },
          ItemProcessor: processor({ P: { Type: 'Pass', Parameters: { 'pair.$': 'States.Array($, $)' }, OutputPath: '$.pair', End: true } }),
          End: true,
        },
      },
    };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: [1, 2] });

    // THEN
    expect(result.output).toEqual([1, 1, 2, 2]);
  });
});

/**
 * ResultWriter (Map): https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 * - WriterConfig alone previews the formatted output: the results are the state's output, nothing is written.
 * - NONE: each child's output unchanged "in addition to the workflow metadata", in the page's example's members:
 *   ExecutionArn (`…:execution:<machine>/<label>:<name>`), Input, InputDetails, Name, Output (JSON text),
 *   OutputDetails, RedriveCount, RedriveStatus, RedriveStatusReason, StartDate, StateMachineArn
 *   (`…:stateMachine:<machine>/<label>`), Status, StopDate.
 * - A failed child's result is its execution result unchanged, whatever the transformation.
 * - Exported: the state returns MapRunArn (`…:mapRun:<machine>/<label>:<id>`) and ResultWriterDetails
 *   { Bucket, Key: `<Prefix>/<id>/manifest.json` }.
 */
describe('ResultWriter as input-output-resultwriter.html describes it', () => {
  const ARN = 'arn:aws:states:us-east-1:123456789012';
  const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  const doubleOr13 = (writer: any, extra: any = {}) => ({
    StartAt: 'M',
    States: { M: { ...workMap('JSONPath', { ResultWriter: writer, ...extra }), End: true } },
  });

  test('WriterConfig Transformation NONE without a Resource: the children\'s execution results are the output (input-output-resultwriter.html)', async () => {
    // WHEN
    const result = await Workflow.fromDefinition(doubleOr13({ WriterConfig: { Transformation: 'NONE', OutputType: 'JSON' } }))
      .execute({ input: { items: [1, 2] }, taskHandler: doubler(3), stateMachineName: 'orderProcessing' });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toHaveLength(2);
    const [first] = result.output;
    expect(Object.keys(first)).toEqual(['ExecutionArn', 'Input', 'InputDetails', 'Name', 'Output', 'OutputDetails', 'RedriveCount',
      'RedriveStatus', 'RedriveStatusReason', 'StartDate', 'StateMachineArn', 'Status', 'StopDate']);
    expect(first).toEqual({
      ExecutionArn: `${ARN}:execution:orderProcessing/M:${first.Name}`,
      Input: '1',
      InputDetails: { Included: true },
      Name: expect.stringMatching(new RegExp(`^${UUID}$`)),
      Output: '2',
      OutputDetails: { Included: true },
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
      StartDate: '2026-01-01T00:00:00.000Z',
      StateMachineArn: `${ARN}:stateMachine:orderProcessing/M`,
      Status: 'SUCCEEDED',
      StopDate: '2026-01-01T00:00:03.000Z',
    });
    expect(result.output[1].Output).toBe('4');
  });

  test('a tolerated failed child is its execution result unchanged, also under FLATTEN (input-output-resultwriter.html, Note)', async () => {
    // WHEN
    const result = await Workflow.fromDefinition(doubleOr13({ WriterConfig: { Transformation: 'FLATTEN' } }, { ToleratedFailureCount: 1 }))
      .execute({ input: { items: [1, 13] }, taskHandler: doubler() });

    // THEN
    expect(result.output[0]).toBe(2);
    expect(result.output[1]).toMatchObject({ Error: 'Work.Unlucky', Cause: 'thirteen', Input: '13', InputDetails: { Included: true }, RedriveCount: 0, Status: 'FAILED' });
    expect(result.output[1].ExecutionArn).toMatch(new RegExp(`^${ARN}:execution:StateMachine/M:${UUID}$`));
  });

  test('exported to S3: the output is MapRunArn and ResultWriterDetails, the Key under the Map Run\'s id (input-output-resultwriter.html)', async () => {
    // WHEN
    const result = await Workflow.fromDefinition(doubleOr13({
      Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'amzn-s3-demo-destination-bucket', Prefix: 'csvProcessJobs' },
    }, { Label: 'Map' })).execute({ input: { items: [1] }, taskHandler: doubler(), stateMachineName: 'csvProcess' });

    // THEN
    const id = /:mapRun:csvProcess\/Map:(.+)$/.exec(result.output.MapRunArn)?.[1];
    expect(id).toMatch(new RegExp(`^${UUID}$`));
    expect(result.output).toEqual({
      MapRunArn: `${ARN}:mapRun:csvProcess/Map:${id}`,
      ResultWriterDetails: { Bucket: 'amzn-s3-demo-destination-bucket', Key: `csvProcessJobs/${id}/manifest.json` },
    });
  });
});

/**
 * ResultWriter's files: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 * ("Exporting to Amazon S3"): executions with the same status go to their file under `<Prefix>/<map run id>/`:
 * SUCCEEDED_n.json (the succeeded children, by WriterConfig.Transformation, NONE by default), FAILED_n.json (failed,
 * timed out and aborted children), PENDING_n.json (children not started because the Map Run failed), and
 * manifest.json (the export location, the Map Run ARN and the result files); OutputType JSON is a JSON array, JSONL
 * JSON Lines. They are in result.writtenObjects, and with sendResultWriterCalls each is a PutObject call of the Map
 * state; a failed write fails the state with States.ResultWriterFailed.
 */
describe.each(languages)('%s: the ResultWriter\'s files (input-output-resultwriter.html, Exporting to Amazon S3)', (language) => {
  const jsonata = language === 'JSONata';
  const ARN = 'arn:aws:states:us-east-1:123456789012';
  const writer = (writerConfig?: any) => ({
    Resource: 'arn:aws:states:::s3:putObject',
    ...(jsonata ? { Arguments: { Bucket: '{% $states.input.bucket %}', Prefix: 'csvProcessJobs' } } : { Parameters: { 'Bucket.$': '$.bucket', 'Prefix': 'csvProcessJobs' } }),
    ...(writerConfig ? { WriterConfig: writerConfig } : {}),
  });
  const machine = (map: any, inParallel = false) => {
    const top = (states: any) => ({ ...(jsonata ? { QueryLanguage: 'JSONata' } : {}), StartAt: Object.keys(states)[0], States: states });
    if (!inParallel) return top({ M: { ...map, End: true } });
    return top({ Par: { Type: 'Parallel', Branches: [{ StartAt: 'M', States: { M: { ...map, End: true } } }], End: true } });
  };
  const input = { bucket: 'amzn-s3-demo-destination-bucket', items: [1, 13, 3], wrapped: [] };
  const idOf = (mapRunArn: string) => /:mapRun:SM\/M:(.+)$/.exec(mapRunArn)![1];

  test.each([['top level', false], ['inside a Parallel', true]] as const)('%s: SUCCEEDED_0.json (NONE), FAILED_0.json, then manifest.json with each file\'s Key and Size', async (_where, inParallel) => {
    // GIVEN
    const definition = machine(workMap(language, { ResultWriter: writer(), ToleratedFailureCount: 1, Label: 'M' }), inParallel);
    validateAsl(definition);

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input, taskHandler: doubler(2), stateMachineName: 'SM' });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    const output = inParallel ? result.output[0] : result.output;
    const id = idOf(output.MapRunArn);
    expect(output.ResultWriterDetails).toEqual({ Bucket: input.bucket, Key: `csvProcessJobs/${id}/manifest.json` });
    const files = result.writtenObjects;
    expect(files.map((f) => f.key)).toEqual([
      `csvProcessJobs/${id}/SUCCEEDED_0.json`, `csvProcessJobs/${id}/FAILED_0.json`, `csvProcessJobs/${id}/manifest.json`,
    ]);
    expect(files.every((f) => f.bucket === input.bucket && f.stateName === 'M' && f.path === (inParallel ? 'Par/0' : ''))).toBe(true);
    const succeeded = JSON.parse(files[0].body);
    expect(succeeded.map((r: any) => [r.Status, r.Input, r.Output])).toEqual([['SUCCEEDED', '1', '2'], ['SUCCEEDED', '3', '6']]);
    expect(Object.keys(succeeded[0])).toEqual(['ExecutionArn', 'Input', 'InputDetails', 'Name', 'Output', 'OutputDetails', 'RedriveCount',
      'RedriveStatus', 'RedriveStatusReason', 'StartDate', 'StateMachineArn', 'Status', 'StopDate']);
    expect(JSON.parse(files[1].body)).toEqual([expect.objectContaining({ Status: 'FAILED', Error: 'Work.Unlucky', Cause: 'thirteen', Input: '13' })]);
    expect(JSON.parse(files[2].body)).toEqual({
      DestinationBucket: input.bucket,
      MapRunArn: `${ARN}:mapRun:SM/M:${id}`,
      ResultFiles: {
        FAILED: [{ Key: files[1].key, Size: Buffer.byteLength(files[1].body) }],
        PENDING: [],
        SUCCEEDED: [{ Key: files[0].key, Size: Buffer.byteLength(files[0].body) }],
      },
    });
    expect(files[2].time).toBe('2026-01-01T00:00:02.000Z');
  });

  test('WriterConfig FLATTEN with OutputType JSONL: SUCCEEDED_0.json holds the flattened outputs, one JSON value a line', async () => {
    // GIVEN: each child returns [n, n]
    const handler: testing.ITaskHandler = { handle: (inv) => ({ result: { Payload: [inv.request.Payload, inv.request.Payload] } }) };
    const definition = machine(workMap(language, { ResultWriter: writer({ Transformation: 'FLATTEN', OutputType: 'JSONL' }), Label: 'M' }));
    validateAsl(definition);

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: { ...input, items: [1, 2] }, taskHandler: handler, stateMachineName: 'SM' });

    // THEN
    expect(result.writtenObjects.map((f) => f.key.split('/').pop())).toEqual(['SUCCEEDED_0.json', 'manifest.json']);
    expect(result.writtenObjects[0].body).toBe('1\n1\n2\n2');
  });

  test('a Map Run over its threshold still exports: FAILED_0.json has the failed and the stopped (ABORTED) children, PENDING_0.json those never started', async () => {
    // GIVEN: 13 fails at 1 s while 1 (5 s) runs; 4 and 5 wait for a slot
    const handler: testing.ITaskHandler = {
      handle: (inv) => (inv.request.Payload === 13 ? { error: 'Work.Unlucky', cause: 'thirteen', durationSeconds: 1 } : { result: { Payload: 0 }, durationSeconds: 5 }),
    };
    const definition = machine(workMap(language, { ResultWriter: writer(), MaxConcurrency: 2, Label: 'M' }));

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: { ...input, items: [1, 13, 4, 5] }, taskHandler: handler, stateMachineName: 'SM' });

    // THEN
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.ExceedToleratedFailureThreshold');
    const [failed, pending, manifest] = result.writtenObjects;
    expect(result.writtenObjects.map((f) => f.key.split('/').pop())).toEqual(['FAILED_0.json', 'PENDING_0.json', 'manifest.json']);
    expect(JSON.parse(failed.body).map((r: any) => [r.Input, r.Status])).toEqual([['1', 'ABORTED'], ['13', 'FAILED']]);
    expect(JSON.parse(pending.body)).toEqual([
      { Input: '4', InputDetails: { Included: true }, Status: 'PENDING' },
      { Input: '5', InputDetails: { Included: true }, Status: 'PENDING' },
    ]);
    expect(JSON.parse(manifest.body).ResultFiles.SUCCEEDED).toEqual([]);
  });

  test('sendResultWriterCalls: each file is a PutObject call of the Map state given to the task handler with Bucket, Key and Body', async () => {
    // GIVEN
    const puts: any[] = [];
    const handler: testing.ITaskHandler = {
      handle: (inv) => {
        if (inv.resource === 'arn:aws:states:::s3:putObject') {
          puts.push({ state: inv.stateName, ...inv.request });
          return { result: { ETag: '"e"' }, durationSeconds: 1 };
        }
        return { result: { Payload: inv.request.Payload } };
      },
    };
    const definition = machine(workMap(language, { ResultWriter: writer(), Label: 'M' }));

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({
      input: { ...input, items: [1] }, taskHandler: handler, stateMachineName: 'SM', sendResultWriterCalls: true,
    });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(puts).toEqual(result.writtenObjects.map((f) => ({ state: 'M', Bucket: f.bucket, Key: f.key, Body: f.body })));
    expect(puts).toHaveLength(2);
    expect(result.elapsedSeconds).toBe(2);
  });

  test('sendResultWriterCalls: a mocked PutObject that throws fails the state with States.ResultWriterFailed', async () => {
    // GIVEN: the Map state's mocked responses answer its writes
    const mockConfig = {
      StateMachines: { SM: { TestCases: { T: { M: 'Writes', Work: 'Ok' } } } },
      MockedResponses: {
        Writes: { 0: { Return: {} }, 1: { Throw: { Error: 'S3.AccessDenied', Cause: 'Access Denied' } } },
        Ok: { '0-9': { Return: { Payload: 1 } } },
      },
    };
    const definition = machine(workMap(language, { ResultWriter: writer(), Label: 'M' }));

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({
      input: { ...input, items: [1] }, mockConfig, testCase: 'T', stateMachineName: 'SM', sendResultWriterCalls: true,
    });

    // THEN
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.ResultWriterFailed');
    expect(result.cause).toMatch(/^State 'M': writing s3:\/\/amzn-s3-demo-destination-bucket\/csvProcessJobs\/[0-9a-f-]{36}\/manifest\.json failed with S3\.AccessDenied: Access Denied$/);
  });

  test('without sendResultWriterCalls the task handler is never asked to write', async () => {
    // GIVEN
    const resources: string[] = [];
    const handler: testing.ITaskHandler = { handle: (inv) => { resources.push(inv.resource); return { result: { Payload: 1 } }; } };

    // WHEN
    const result = await Workflow.fromDefinition(machine(workMap(language, { ResultWriter: writer() })))
      .execute({ input: { ...input, items: [1] }, taskHandler: handler });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(resources).toEqual([LAMBDA]);
    expect(result.writtenObjects).toHaveLength(2);
  });
});

/**
 * ItemReader (Map): https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 * - "Athena manifest": ManifestType ATHENA_DATA reads an UNLOAD manifest (a CSV list of the data files) and then each
 *   data file (InputType CSV, JSONL or PARQUET; UNLOAD's CSV has no header row); Map.Item.Source is the data file.
 * - ManifestType S3_INVENTORY, without an InputType: an S3 Inventory manifest.json, as InputType MANIFEST.
 * - "Input files support the following external compression types: GZIP, ZSTD" (myObject.jsonl.gz, myObject.csv.zstd).
 * - CSV parsing rules: backslashes escape a backslash, a double quote or the delimiter; before any other character
 *   the backslash is silently removed.
 */
describe.each(languages)('%s: Athena manifests, S3_INVENTORY, compressed objects (input-output-itemreader.html)', (language) => {
  const jsonata = language === 'JSONata';
  const getObject = 'arn:aws:states:::s3:getObject';
  const readMap = (readerConfig: any) => ({
    ...(jsonata ? { QueryLanguage: 'JSONata' } : {}),
    StartAt: 'Read',
    States: {
      Read: {
        Type: 'Map',
        ItemReader: {
          Resource: getObject,
          ReaderConfig: readerConfig,
          ...(jsonata ? { Arguments: { Bucket: 'results', Key: '{% $states.input.key %}' } } : { Parameters: { 'Bucket': 'results', 'Key.$': '$.key' } }),
        },
        ItemSelector: jsonata
          ? { value: '{% $states.context.Map.Item.Value %}', source: '{% $states.context.Map.Item.Source %}' }
          : { 'value.$': '$$.Map.Item.Value', 'source.$': '$$.Map.Item.Source' },
        ItemProcessor: processor({ P: { Type: 'Pass', End: true } }),
        End: true,
      },
    },
  });
  /** Answers GetObject from a map of keys to Body values, recording each request. */
  const bucketObjects = (objects: Record<string, any>, requests: any[] = []): testing.ITaskHandler => ({
    handle: (inv) => {
      requests.push(inv.request);
      const body = objects[`${inv.request.Bucket}/${inv.request.Key}`];
      return body === undefined ? { error: 'S3.NoSuchKey', cause: inv.request.Key } : { result: { Body: body } };
    },
  });

  test('ATHENA_DATA with JSONL: each data file the manifest lists is read in order; its rows are the items, the file their Source', async () => {
    // GIVEN
    const requests: any[] = [];
    const handler = bucketObjects({
      'results/q1-manifest.csv': 's3://results/unload/q1_0.jsonl\ns3://results/unload/q1_1.jsonl\n',
      'results/unload/q1_0.jsonl': '{"id":1}\n{"id":2}\n',
      'results/unload/q1_1.jsonl': '{"id":3}\n',
    }, requests);
    const definition = readMap({ ManifestType: 'ATHENA_DATA', InputType: 'JSONL' });
    validateAsl(definition);

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: { key: 'q1-manifest.csv' }, taskHandler: handler });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(requests).toEqual([
      { Bucket: 'results', Key: 'q1-manifest.csv' },
      { Bucket: 'results', Key: 'unload/q1_0.jsonl' },
      { Bucket: 'results', Key: 'unload/q1_1.jsonl' },
    ]);
    expect(result.output).toEqual([
      { value: { id: 1 }, source: 'S3://results/unload/q1_0.jsonl' },
      { value: { id: 2 }, source: 'S3://results/unload/q1_0.jsonl' },
      { value: { id: 3 }, source: 'S3://results/unload/q1_1.jsonl' },
    ]);
  });

  test('ATHENA_DATA with CSV (no header row: GIVEN headers) and MaxItems: the files after the limit are not read', async () => {
    // GIVEN
    const requests: any[] = [];
    const handler = bucketObjects({
      'results/q2-manifest.csv': 's3://results/u/a.csv\ns3://results/u/b.csv\n',
      'results/u/a.csv': '1,alpha\n2,bravo\n',
      'results/u/b.csv': '3,charlie\n',
    }, requests);

    // WHEN
    const result = await Workflow.fromDefinition(readMap({ ManifestType: 'ATHENA_DATA', InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['id', 'name'], MaxItems: 2 }))
      .execute({ input: { key: 'q2-manifest.csv' }, taskHandler: handler });

    // THEN
    expect(result.output.map((o: any) => o.value)).toEqual([{ id: '1', name: 'alpha' }, { id: '2', name: 'bravo' }]);
    expect(requests).toHaveLength(2);
  });

  test('ATHENA_DATA: a manifest line that is not an S3 URI fails the state with States.ItemReaderFailed', async () => {
    // WHEN
    const result = await Workflow.fromDefinition(readMap({ ManifestType: 'ATHENA_DATA', InputType: 'JSONL' }))
      .execute({ input: { key: 'm.csv' }, taskHandler: bucketObjects({ 'results/m.csv': 'unload/q1_0.jsonl\n' }) });

    // THEN
    expect(result.error).toBe('States.ItemReaderFailed');
    expect(result.cause).toBe('State \'Read\': the Athena manifest S3://results/m.csv lists "unload/q1_0.jsonl", which is not an S3 URI (s3://bucket/key)');
  });

  test('ManifestType S3_INVENTORY reads an S3 Inventory manifest as InputType MANIFEST does', async () => {
    // GIVEN
    const manifest = JSON.stringify({ destinationBucket: 'arn:aws:s3:::inv', fileFormat: 'CSV', fileSchema: 'Bucket, Key, Size', files: [{ key: 'data/1.csv.gz' }] });
    const handler = bucketObjects({ 'results/manifest.json': manifest, 'inv/data/1.csv.gz': zlibGzip('"src","a.txt","3"\n') });

    // WHEN
    const result = await Workflow.fromDefinition(readMap({ ManifestType: 'S3_INVENTORY' })).execute({ input: { key: 'manifest.json' }, taskHandler: handler });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.map((o: any) => o.value)).toEqual([{ Bucket: 'src', Key: 'a.txt', Size: '3' }]);
  });

  test('a GZIP-compressed object (.jsonl.gz, its bytes base64-encoded in Body) is decompressed before it is parsed', async () => {
    // WHEN
    const result = await Workflow.fromDefinition(readMap({ InputType: 'JSONL' }))
      .execute({ input: { key: 'data/myObject.jsonl.gz' }, taskHandler: bucketObjects({ 'results/data/myObject.jsonl.gz': zlibGzip('{"n":1}\n{"n":2}\n') }) });

    // THEN
    expect(result.output.map((o: any) => o.value)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  test('a .gz key whose Body is given as text is read as text', async () => {
    // WHEN
    const result = await Workflow.fromDefinition(readMap({ InputType: 'JSON' }))
      .execute({ input: { key: 'data/items.json.gz' }, taskHandler: bucketObjects({ 'results/data/items.json.gz': '[1,2]' }) });

    // THEN
    expect(result.output.map((o: any) => o.value)).toEqual([1, 2]);
  });

  test('a .gz key whose bytes are GZIP but broken fails the state with States.ItemReaderFailed', async () => {
    // GIVEN: the GZIP magic number, then garbage
    const broken = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]).toString('base64');

    // WHEN
    const result = await Workflow.fromDefinition(readMap({ InputType: 'JSON' }))
      .execute({ input: { key: 'x.json.gz' }, taskHandler: bucketObjects({ 'results/x.json.gz': broken }) });

    // THEN
    expect(result.error).toBe('States.ItemReaderFailed');
    expect(result.cause).toMatch(/^State 'Read': the object S3:\/\/results\/x\.json\.gz is not valid GZIP: /);
  });

  const zstd = (zlib as any).zstdCompressSync as ((b: Buffer) => Buffer) | undefined;
  (zstd ? test : test.skip)('a ZSTD-compressed object (.csv.zstd) is decompressed (Node.js 22.15+)', async () => {
    // WHEN
    const body = zstd!(Buffer.from('a,b\n1,2\n')).toString('base64');
    const result = await Workflow.fromDefinition(readMap({ InputType: 'CSV' }))
      .execute({ input: { key: 'myObject.csv.zstd' }, taskHandler: bucketObjects({ 'results/myObject.csv.zstd': body }) });

    // THEN
    expect(result.output.map((o: any) => o.value)).toEqual([{ a: '1', b: '2' }]);
  });

  (zstd ? test.skip : test)('a ZSTD-compressed object before Node.js 22.15 fails the state with States.ItemReaderFailed, naming the version', async () => {
    // GIVEN: the ZSTD magic number
    const body = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00]).toString('base64');

    // WHEN
    const result = await Workflow.fromDefinition(readMap({ InputType: 'CSV' }))
      .execute({ input: { key: 'myObject.csv.zstd' }, taskHandler: bucketObjects({ 'results/myObject.csv.zstd': body }) });

    // THEN
    expect(result.error).toBe('States.ItemReaderFailed');
    expect(result.cause).toContain('is ZSTD-compressed, which the offline executor decompresses with Node.js\'s zlib from Node.js 22.15 on');
  });
});

describe('CSV backslash escapes (input-output-itemreader.html, CSV parsing rules)', () => {
  test('a doubled backslash keeps one backslash (the page\'s path example)', () => {
    expect(parseCsv('path,size\nC:\\\\Program Files\\\\MyApp.exe,6534512', ',')).toEqual([['path', 'size'], ['C:\\Program Files\\MyApp.exe', '6534512']]);
  });

  test('a backslash before the delimiter or a double quote keeps it as text, in and out of quotes', () => {
    expect(parseCsv('a\\,b,c', ',')).toEqual([['a,b', 'c']]);
    expect(parseCsv('a\\|b|c', '|')).toEqual([['a|b', 'c']]);
    expect(parseCsv('say \\"hi\\",x', ',')).toEqual([['say "hi"', 'x']]);
    expect(parseCsv('"q\\"uote",x', ',')).toEqual([['q"uote', 'x']]);
  });

  test('a backslash before any other character is silently removed', () => {
    expect(parseCsv('a\\xb,c', ',')).toEqual([['axb', 'c']]);
  });
});

/**
 * ItemReader (Map): https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 * "Processing nested data sets": ReaderConfig.Transformation LOAD_AND_FLATTEN reads each object listed by
 * ListObjectsV2, parses it by InputType and iterates over its rows or records; ItemsPointer selects a nested array
 * of a JSON object.
 */
describe('ItemReader LOAD_AND_FLATTEN and ItemsPointer (input-output-itemreader.html)', () => {
  const listing = {
    Contents: [
      { Key: 'logs/a.json', Size: 20, ETag: '"a"', LastModified: '2025-09-11T00:00:00.000Z', StorageClass: 'STANDARD' },
      { Key: 'logs/b.json', Size: 20, ETag: '"b"', LastModified: '2025-09-11T00:00:00.000Z', StorageClass: 'STANDARD' },
    ],
  };
  const flattenMap = (language: 'JSONPath' | 'JSONata', readerConfig: any) => ({
    ...(language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}),
    StartAt: 'Read',
    States: {
      Read: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:listObjectsV2',
          ReaderConfig: readerConfig,
          ...(language === 'JSONata' ? { Arguments: { Bucket: 'b', Prefix: 'logs/' } } : { Parameters: { Bucket: 'b', Prefix: 'logs/' } }),
        },
        ItemSelector: language === 'JSONata'
          ? { v: '{% $states.context.Map.Item.Value %}', src: '{% $states.context.Map.Item.Source %}' }
          : { 'v.$': '$$.Map.Item.Value', 'src.$': '$$.Map.Item.Source' },
        ItemProcessor: processor({ P: { Type: 'Pass', End: true } }),
        End: true,
      },
    },
  });

  test.each(languages)('%s: the listed objects are read with GetObject (mock config: the next responses) and their records are the items', async (language) => {
    // GIVEN
    const mockConfig = {
      StateMachines: { SM: { TestCases: { T: { Read: 'Objects' } } } },
      MockedResponses: {
        Objects: {
          0: { Return: listing },
          1: { Return: { Body: '[{"n":1},{"n":2}]' } },
          2: { Return: { Body: '[{"n":3}]' } },
        },
      },
    };

    // WHEN
    const result = await Workflow.fromDefinition(flattenMap(language, { InputType: 'JSON', Transformation: 'LOAD_AND_FLATTEN' }))
      .execute({ mockConfig, testCase: 'T', stateMachineName: 'SM' });

    // THEN
    expect(result.output).toEqual([
      { v: { n: 1 }, src: 'S3://b/logs/a.json' },
      { v: { n: 2 }, src: 'S3://b/logs/a.json' },
      { v: { n: 3 }, src: 'S3://b/logs/b.json' },
    ]);
    expect(result.unusedMocks).toEqual([]);
  });

  test('the task handler is called with ListObjectsV2, then GetObject { Bucket, Key } for each object; CSV objects with their headers', async () => {
    // GIVEN
    const calls: any[] = [];
    const handler: testing.ITaskHandler = {
      handle: (inv) => {
        calls.push({ resource: inv.resource, request: inv.request });
        if (inv.resource.endsWith('listObjectsV2')) return { result: listing };
        return { result: { Body: inv.request.Key === 'logs/a.json' ? 'id,name\n1,x\n' : 'id,name\n2,y,extra\n3\n' } };
      },
    };

    // WHEN
    const result = await Workflow.fromDefinition(flattenMap('JSONPath', { InputType: 'CSV', Transformation: 'LOAD_AND_FLATTEN', CSVHeaderLocation: 'FIRST_ROW' }))
      .execute({ taskHandler: handler });

    // THEN
    expect(result.output.map((o: any) => o.v)).toEqual([{ id: '1', name: 'x' }, { id: '2', name: 'y' }, { id: '3', name: '' }]);
    expect(calls).toEqual([
      { resource: 'arn:aws:states:::s3:listObjectsV2', request: { Bucket: 'b', Prefix: 'logs/' } },
      { resource: 'arn:aws:states:::s3:getObject', request: { Bucket: 'b', Key: 'logs/a.json' } },
      { resource: 'arn:aws:states:::s3:getObject', request: { Bucket: 'b', Key: 'logs/b.json' } },
    ]);
  });

  test('Transformation NONE (the default) keeps iterating over the objects\' metadata', async () => {
    // WHEN
    const result = await Workflow.fromDefinition(flattenMap('JSONPath', { Transformation: 'NONE' })).execute({ taskHandler: { handle: () => ({ result: listing }) } });

    // THEN
    expect(result.output[0]).toEqual({ v: { Etag: '"a"', Key: 'logs/a.json', LastModified: 1757548800, Size: 20, StorageClass: 'STANDARD' }, src: 'S3://b' });
  });

  test('ItemsPointer selects the nested array of a JSON object', async () => {
    // GIVEN
    const definition = {
      StartAt: 'Read',
      States: {
        Read: {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'JSON', ItemsPointer: '/inventory/products/featured' },
            Parameters: { Bucket: 'amzn-s3-demo-bucket', Key: 'nested-data-file.json' },
          },
          ItemProcessor: processor({ P: { Type: 'Pass', End: true } }),
          End: true,
        },
      },
    };
    const body = JSON.stringify({ inventory: { products: { featured: [{ sku: 'a' }, { sku: 'b' }], other: [] } } });

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ taskHandler: { handle: () => ({ result: { Body: body } }) } });

    // THEN
    expect(result.output).toEqual([{ sku: 'a' }, { sku: 'b' }]);
  });
});

describe('CSV parsing', () => {
  test.each([
    ['a,b\n1,2\n', ',', [['a', 'b'], ['1', '2']]],
    ['"x, y","say ""hi"""\r\n', ',', [['x, y', 'say "hi"']]],
    ['a|b\n\n1|\n', '|', [['a', 'b'], ['1', '']]],
    ['"multi\nline",z', ',', [['multi\nline', 'z']]],
  ])('%j', (text, delimiter, rows) => {
    expect(parseCsv(text, delimiter)).toEqual(rows);
  });
});

describe('errors inside a child execution', () => {
  test('an engine error\'s cause names the event id in the child\'s own history', async () => {
    // GIVEN: the child's first state reads a path that is not there
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ToleratedFailureCount: 1,
          ItemProcessor: processor({ Pick: { Type: 'Pass', InputPath: '$.missing', End: true } }),
          End: true,
        },
      },
    };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: [{}] });

    // THEN: ExecutionStarted is event 1 of the child's history, PassStateEntered event 2
    expect(result.output).toEqual([expect.objectContaining({
      Error: 'States.Runtime',
      Cause: expect.stringMatching(/^An error occurred while executing the state 'Pick' \(entered at the event id #2\)\. /),
    })]);
  });
});

describe('a child execution\'s context object', () => {
  test.each(['STANDARD', 'EXPRESS'])('%s: its own Execution (Id under <machine>/<Label>, Input the child\'s input) and StateMachine', async (executionType) => {
    // GIVEN
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Label: 'scan',
          ItemProcessor: processor({ Ctx: { Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id', 'input.$': '$$.Execution.Input', 'machine.$': '$$.StateMachine.Name' }, End: true } }, executionType),
          End: true,
        },
      },
    };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: [{ k: 1 }], stateMachineName: 'Jobs' });

    // THEN
    const kind = executionType === 'EXPRESS' ? 'express' : 'execution';
    expect(result.output).toEqual([{
      id: expect.stringMatching(new RegExp(`^arn:aws:states:us-east-1:123456789012:${kind}:Jobs/scan:[0-9a-f-]{36}$`)),
      input: { k: 1 },
      machine: 'Jobs/scan',
    }]);
  });
});

describe('JSONata: the reader, the writer and the thresholds take expressions', () => {
  test('ItemReader Arguments and MaxItems, ToleratedFailureCount and ResultWriter Arguments evaluated from the input', async () => {
    // GIVEN
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Read',
      States: {
        Read: {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'JSONL', MaxItems: '{% $states.input.limit %}' },
            Arguments: { Bucket: '{% $states.input.bucket %}', Key: 'in.jsonl' },
          },
          ToleratedFailureCount: '{% $states.input.tolerate %}',
          ItemProcessor: processor({
            Check: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.n = 13 %}', Next: 'Bad' }], Default: 'Good' },
            Bad: { Type: 'Fail', Error: 'Item.Unlucky' },
            Good: { Type: 'Succeed' },
          }),
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Arguments: { Bucket: '{% $states.input.bucket %}', Prefix: 'runs/' } },
          Output: '{% $states.result.ResultWriterDetails %}',
          End: true,
        },
      },
    };
    validateAsl(definition);
    const requests: any[] = [];
    const taskHandler = { handle: (inv: any) => { requests.push(inv.request); return { result: { Body: '{"n":1}\n{"n":13}\n{"n":2}\n{"n":13}\n' } }; } };

    // WHEN: three items (the fourth is beyond MaxItems), one failure tolerated
    const result = await Workflow.fromDefinition(definition).execute({ input: { bucket: 'data', limit: 3, tolerate: 1 }, taskHandler });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(requests).toEqual([{ Bucket: 'data', Key: 'in.jsonl' }]);
    expect(result.output).toEqual({ Bucket: 'data', Key: expect.stringMatching(/^runs\/[0-9a-f-]{36}\/manifest\.json$/) });
    expect(result.states.filter((s) => s.name === 'Check')).toHaveLength(3);
  });
});

describe('a Distributed Map built with aws-cdk-lib runs offline', () => {
  test('sfn.DistributedMap with an S3 JSON reader, an ItemBatcher and a ResultWriter', async () => {
    // GIVEN: the definition aws-cdk-lib synthesizes (the bucket's name resolved as the template would give it)
    const { definition } = renderChainable((scope) => {
      const bucket = s3.Bucket.fromBucketName(scope, 'Data', 'my-data');
      return new sfn.DistributedMap(scope, 'Fan', {
        itemReader: new sfn.S3JsonItemReader({ bucket, key: 'items.json' }),
        itemBatcher: new sfn.ItemBatcher({ maxItemsPerBatch: 2 }),
        resultWriter: new sfn.ResultWriter({ bucket, prefix: 'out' }),
        toleratedFailureCount: 0,
        maxConcurrency: 2,
      }).itemProcessor(new sfn.Pass(scope, 'Item'));
    });
    validateAsl(definition);
    const mockConfig = {
      StateMachines: { SM: { TestCases: { T: { Fan: 'Items' } } } },
      MockedResponses: { Items: { 0: { Return: { Body: '[{"id":1},{"id":2},{"id":3}]' } } } },
    };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ mockConfig, testCase: 'T', stateMachineName: 'SM' });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states.filter((s) => s.name === 'Item').map((s) => s.input)).toEqual([{ Items: [{ id: 1 }, { id: 2 }] }, { Items: [{ id: 3 }] }]);
    expect(result.output).toEqual({
      MapRunArn: expect.stringMatching(/:mapRun:SM\/Fan:/),
      ResultWriterDetails: { Bucket: 'my-data', Key: expect.stringMatching(/^out\/[0-9a-f-]{36}\/manifest\.json$/) },
    });
  });
});
