import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/testing/cli';

function tmp(name: string, value: any): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-')), name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  return { code, out, err };
}

const definition = {
  StartAt: 'Job',
  States: {
    Job: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Next: 'Wait' },
    Wait: { Type: 'Wait', Seconds: 60, End: true },
  },
};
const mockConfig = {
  StateMachines: { Pipeline: { TestCases: { ok: { Job: 'Done' }, fails: { Job: 'Fails' } } } },
  MockedResponses: { Done: { 0: { Return: { Status: 'SUCCEEDED' } } }, Fails: { 0: { Throw: { Error: 'Batch.Failed', Cause: 'exit 1' } } } },
};

describe('cdk-sfn-jobs run', () => {
  test('prints one JSON object with the result; exits 0 whatever the status', async () => {
    const def = tmp('def.json', definition);
    const mocks = tmp('mocks.json', mockConfig);
    const ok = await run(['run', '--definition', def, '--input', '{"a":1}', '--mock-config', mocks, '--test-case', 'ok']);
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.out);
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['status', 'output', 'elapsedSeconds', 'stateTransitions', 'historyEvents', 'states', 'unusedMocks']));
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { Status: 'SUCCEEDED' }, elapsedSeconds: 60, stateTransitions: 2, historyEvents: 2 + 6 + 2 });
    const failed = await run(['run', '--definition', def, '--mock-config', mocks, '--test-case', 'fails']);
    expect(failed.code).toBe(0);
    expect(JSON.parse(failed.out)).toMatchObject({ status: 'FAILED', error: 'Batch.Failed', cause: 'exit 1' });
  });

  test('reads a CloudFormation template; --state-machine picks the state machine', async () => {
    const template = tmp('t.json', {
      Resources: {
        A: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: JSON.stringify(definition) } },
        B: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) } },
      },
    });
    const result = await run(['run', '--definition', template, '--state-machine', 'B', '--input', '{"x":2}']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).output).toEqual({ x: 2 });
    const ambiguous = await run(['run', '--definition', template]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toMatch(/the template has 2 AWS::StepFunctions::StateMachine resources \(A, B\): pick one with --state-machine/);
  });

  test.each([
    [[], /missing command/],
    [['run'], /--definition is required/],
    [['run', '--definition', '/nonexistent.json'], /cannot be read/],
    [['run', '--definition', 'DEF', '--input', '{'], /--input is not JSON/],
    [['run', '--definition', 'DEF', '--bogus', '1'], /unknown option '--bogus'/],
    [['run', '--definition', 'DEF', '--test-case', 'ok'], /--mock-config and --test-case go together/],
    [['run', '--definition', 'BAD'], /State 'A': Next must name a state/],
  ])('%j is refused with a message and exit code 2', async (argv, message) => {
    const def = tmp('def.json', definition);
    const bad = tmp('bad.json', { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'X' } } });
    const result = await run(argv.map((a) => (a === 'DEF' ? def : a === 'BAD' ? bad : a)));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.out).toBe('');
  });

  test('--trace prints each state to stderr; the script runs as a process', () => {
    const def = tmp('def.json', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const child = spawnSync(process.execPath, [
      '-r', 'ts-node/register/transpile-only', path.join(__dirname, '../../src/testing/cli.ts'), 'run', '--definition', def, '--trace',
    ], { encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '../../tsconfig.dev.json') } });
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout).status).toBe('SUCCEEDED');
    expect(child.stderr).toMatch(/P \(Pass\) entered/);
  });
});

describe('cdk-sfn-jobs --help', () => {
  test.each([[['--help']], [['-h']], [['help']], [['run', '--help']], [['run', '--definition', 'x.json', '-h']]])('%j prints the usage on stdout and exits 0', async (argv) => {
    const result = await run(argv);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^usage: cdk-sfn-jobs run --definition FILE \[--input JSON \| --input-file FILE\]/);
    expect(result.out).toMatch(/--mock-state-machine NAME/);
  });
});

describe('cdk-sfn-jobs run: JSON from files, names, flags in errors', () => {
  test('--input-file: the input from a file, nulls kept (no shell quoting involved); --flag=value works too', async () => {
    // GIVEN
    const def = tmp('def.json', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const input = tmp('input.json', '{"run":"r1","keep":null}');
    // WHEN
    const result = await run(['run', `--definition=${def}`, '--input-file', input]);
    // THEN
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).output).toEqual({ run: 'r1', keep: null });
  });

  test('--state-machine picks by StateMachineName; the mock config entry may be either name, or --mock-state-machine', async () => {
    // GIVEN a template with two state machines; mocks keyed by StateMachineName and by logical id
    const template = tmp('t.json', {
      Resources: {
        TrainAB12: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'train', DefinitionString: JSON.stringify(definition) } },
        Other: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: JSON.stringify(definition) } },
      },
    });
    const mocks = tmp('mocks.json', {
      StateMachines: { train: { TestCases: { c: { Job: 'Done' } } }, TrainAB12: { TestCases: { c: { Job: 'Fails' } } } },
      MockedResponses: mockConfig.MockedResponses,
    });
    // WHEN
    const byName = await run(['run', '--definition', template, '--state-machine', 'train', '--mock-config', mocks, '--test-case', 'c']);
    const picked = await run(['run', '--definition', template, '--state-machine', 'train', '--mock-config', mocks, '--test-case', 'c', '--mock-state-machine', 'train']);
    // THEN the logical id's entry comes first; --mock-state-machine picks exactly
    expect(byName.code).toBe(0);
    expect(JSON.parse(byName.out)).toMatchObject({ status: 'FAILED', error: 'Batch.Failed' });
    expect(JSON.parse(picked.out)).toMatchObject({ status: 'SUCCEEDED', unusedMocks: [] });
  });

  test('a call with no mocked response: a result (FAILED), exit 0', async () => {
    const result = await run(['run', '--definition', tmp('def.json', definition), '--mock-config', tmp('m.json', { StateMachines: { P: { TestCases: { c: {} } } } }), '--test-case', 'c']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  test.each([
    [['run', '--definition', 'DEF', '--input', '{}', '--input-file', 'IN'], /give --input or --input-file, not both/],
    [['run', '--definition', 'DEF', '--input-file', '/nonexistent.json'], /--input-file '\/nonexistent.json' cannot be read/],
    [['run', '--definition', 'DEF', '--input-file', 'BADJSON'], /--input-file '.*' is not JSON/],
    [['run', '--definition', 'DEF', '--input', '{}', '--input', '{}'], /--input is given twice/],
    [['run', '--definition', 'DEF', '--start-time', 'yesterday'], /--start-time must be an ISO 8601 timestamp/],
    [['run', '--definition', 'DEF', '--max-transitions', '0'], /--max-transitions must be a positive integer; got '0'/],
    [['run', '--definition', 'LOOP', '--max-transitions', '5'], /exceeded --max-transitions \(5\) at state 'B': raise --max-transitions/],
    [['run', '--definition', 'DEF', '--mock-state-machine', 'X'], /--mock-state-machine needs --mock-config/],
    [['run', '--definition', 'DEF', '--mock-config', 'TWO', '--test-case', 'c'], /the mock config has 2 state machines under StateMachines \(A, B\): pick one with --mock-state-machine/],
    [['run', '--definition', 'DEF', '--mock-config', 'TWO', '--test-case', 'c', '--mock-state-machine', 'Nope'], /--mock-state-machine 'Nope': the mock config has no such entry/],
    [['run', '--definition', 'DEF', '--mock-config', 'TWO', '--test-case', 'c', '--mock-state-machine', 'A'], /state machine 'A' has no test case 'c'/],
    [['run', '--definition', 'DEF', '--mock-config', 'GHOST', '--test-case', 'c'], /mocks state 'Jb', which the definition does not have \(a typo\?\)/],
    [['run', '--definition', 'DEF', '--mock-config', 'BADJSON', '--test-case', 'c'], /--mock-config '.*' is not JSON/],
  ])('%j: exit 2, the message names the flags', async (argv, message) => {
    const files: Record<string, string> = {
      DEF: tmp('def.json', definition),
      LOOP: tmp('loop.json', { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } }),
      IN: tmp('in.json', {}),
      BADJSON: tmp('bad.json', '{'),
      TWO: tmp('two.json', { StateMachines: { A: { TestCases: {} }, B: { TestCases: {} } }, MockedResponses: {} }),
      GHOST: tmp('ghost.json', { StateMachines: { A: { TestCases: { c: { Jb: 'Done' } } } }, MockedResponses: mockConfig.MockedResponses }),
    };
    const result = await run(argv.map((a) => files[a] ?? a));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).not.toMatch(/mockConfig|testCase|stateMachineName|mockStateMachine/);
    expect(result.out).toBe('');
  });
});

describe('cdk-sfn-jobs run on a JSONata workflow with a mock-config file', () => {
  const jsonata = {
    QueryLanguage: 'JSONata',
    StartAt: 'Train',
    States: {
      Train: {
        Type: 'Task',
        Resource: 'arn:aws:states:::batch:submitJob.sync',
        Arguments: { JobName: '{% $states.input.name %}', JobQueue: 'training', JobDefinition: 'train:3' },
        Retry: [{ ErrorEquals: ['Batch.AWSBatchException'], IntervalSeconds: 10 }],
        Output: "{% {'name': $states.input.name, 'status': $states.result.Status} %}",
        End: true,
      },
    },
  };
  const mocks = {
    StateMachines: { Training: { TestCases: { ThrottledThenSucceeds: { Train: 'ThrottledThenSucceeds' } } } },
    MockedResponses: {
      ThrottledThenSucceeds: {
        0: { Throw: { Error: 'Batch.AWSBatchException', Cause: 'Too Many Requests' } },
        1: { Return: { JobId: 'job-1', Status: 'SUCCEEDED' } },
      },
    },
  };

  test('in process: the retry after the throttled call, on the virtual clock (the README example)', async () => {
    // WHEN
    const result = await run(['run', '--definition', tmp('def.json', jsonata), '--input', '{"name":"train-model"}',
      '--mock-config', tmp('mocks.json', mocks), '--test-case', 'ThrottledThenSucceeds']);

    // THEN
    expect(result.code).toBe(0);
    const out = JSON.parse(result.out);
    expect(out).toMatchObject({ status: 'SUCCEEDED', output: { name: 'train-model', status: 'SUCCEEDED' }, elapsedSeconds: 10, stateTransitions: 2 });
    expect(out.states[0].request).toEqual({ JobName: 'train-model', JobQueue: 'training', JobDefinition: 'train:3' });
  });

  test('as a process (ts-node on src/testing/cli.ts)', () => {
    // WHEN
    const child = spawnSync(process.execPath, [
      '-r', 'ts-node/register/transpile-only', path.join(__dirname, '../../src/testing/cli.ts'), 'run',
      '--definition', tmp('def.json', jsonata), '--input', '{"name":"m"}', '--mock-config', tmp('mocks.json', mocks), '--test-case', 'ThrottledThenSucceeds',
    ], { encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '../../tsconfig.dev.json') } });

    // THEN
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toMatchObject({ status: 'SUCCEEDED', output: { name: 'm', status: 'SUCCEEDED' } });
  });
});

describe('cdk-sfn-jobs run: a Distributed Map\'s ResultWriter files (input-output-resultwriter.html)', () => {
  const dmap = {
    StartAt: 'Fan out',
    States: {
      'Fan out': {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } },
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'results', Prefix: 'runs' } },
        End: true,
      },
    },
  };

  test('--written-objects adds the files to the result, manifest last; no call is made without --result-writer-calls', async () => {
    // GIVEN
    const def = tmp('dmap.json', dmap);
    const input = tmp('input.json', { items: [1, 2] });

    // WHEN
    const { code, out, err } = await run(['run', '--definition', def, '--input-file', input, '--written-objects']);

    // THEN
    expect(err).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.writtenObjects.map((o: any) => o.key.replace(/^runs\/[^/]+\//, ''))).toEqual(['SUCCEEDED_0.json', 'manifest.json']);
    expect(result.writtenObjects.every((o: any) => o.bucket === 'results' && o.stateName === 'Fan out')).toBe(true);
    expect(JSON.parse(result.writtenObjects[0].body).map((child: any) => child.Status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });

  test('--result-writer-calls sends each file to the mock config: a mocked PutObject that throws fails the state', async () => {
    // GIVEN
    const def = tmp('dmap.json', dmap);
    const input = tmp('input.json', { items: [1] });
    const mocks = tmp('mocks.json', {
      StateMachines: { SM: { TestCases: { denied: { 'Fan out': 'Denied' } } } },
      MockedResponses: { Denied: { 0: { Throw: { Error: 'S3.AccessDeniedException', Cause: 'Access Denied' } } } },
    });

    // WHEN
    const { code, out } = await run(['run', '--definition', def, '--input-file', input, '--state-machine', 'SM',
      '--mock-config', mocks, '--test-case', 'denied', '--result-writer-calls']);

    // THEN
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ status: 'FAILED', error: 'States.ResultWriterFailed' });
  });

  test('a switch given twice is a usage error', async () => {
    const { code, err } = await run(['run', '--definition', tmp('dmap.json', dmap), '--written-objects', '--written-objects']);
    expect(code).toBe(2);
    expect(err).toMatch(/--written-objects is given twice/);
  });
});
