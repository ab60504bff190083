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
    expect(Object.keys(result)).toEqual(['status', 'output', 'elapsedSeconds', 'stateTransitions', 'historyEvents', 'states']);
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
    expect(ambiguous.err).toMatch(/give the logical id/);
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
