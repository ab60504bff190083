/**
 * The README's "Test your workflow offline" TypeScript example, executed: its definition and mock config are taken
 * from README.md itself, so the text users copy is the text tested.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testing } from '../../src';

function readmeExample(): { definition: any; mockConfig: any } {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Test your workflow offline'));
  const ts = section.slice(section.indexOf('```ts\n') + 6, section.indexOf('\n```', section.indexOf('```ts\n')));
  const literal = (name: string) => {
    const start = ts.indexOf(`const ${name} = `) + `const ${name} = `.length;
    const end = ts.indexOf('\n};', start) + 2;
    // The README's object literals are plain data (no calls, no identifiers): evaluate them as JavaScript.
    return new Function(`return (${ts.slice(start, end)});`)();
  };
  return { definition: literal('definition'), mockConfig: literal('mockConfig') };
}

test('the README example: throttled once, retried after 10 virtual seconds, succeeds in 2 transitions', async () => {
  // GIVEN
  const { definition, mockConfig } = readmeExample();
  const mockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mocks-')), 'mocks.json');
  fs.writeFileSync(mockFile, JSON.stringify(mockConfig));

  // WHEN
  const result = await testing.Workflow.fromDefinition(definition).execute({
    input: { name: 'train-model' },
    mockConfigFile: mockFile,
    testCase: 'ThrottledThenSucceeds',
  });

  // THEN: what the README's comment says
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual({ name: 'train-model', status: 'SUCCEEDED' });
  expect(result.elapsedSeconds).toBe(10);
  expect(result.stateTransitions).toBe(2);
  expect(result.states[0].request).toEqual({ JobName: 'train-model', JobQueue: 'training', JobDefinition: 'train:3' });
});

test('the README example and its Python twin run the same definition and mock config', () => {
  // GIVEN
  const { definition, mockConfig } = readmeExample();
  const python = fs.readFileSync(path.join(__dirname, '..', 'python', 'examples', 'offline_testing.py'), 'utf8');

  // THEN: the Python file spells the same values
  for (const text of ['"QueryLanguage": "JSONata"', '"Resource": "arn:aws:states:::batch:submitJob.sync"', '"IntervalSeconds": 10', '"ThrottledThenSucceeds"']) {
    expect(python).toContain(text);
  }
  expect(definition.States.Train.Retry[0].IntervalSeconds).toBe(10);
  expect(Object.keys(mockConfig.MockedResponses.ThrottledThenSucceeds)).toEqual(['0', '1']);
});

test('the README\'s Distributed Map example: a CSV of three rows in batches of two, read through the mock config', async () => {
  // GIVEN: the example's two literals, as the README prints them
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const literal = (name: string) => {
    const start = readme.indexOf(`const ${name} = `) + `const ${name} = `.length;
    const end = readme.indexOf('\n};', start) + 2;
    return new Function(`return (${readme.slice(start, end)});`)();
  };
  const definition = literal('distributedDefinition');
  const mockConfig = literal('distributedMocks');

  // WHEN
  const result = await testing.Workflow.fromDefinition(definition).execute({
    input: { key: 'week-1.csv' }, mockConfig, testCase: 'ThreeRows', stateMachineName: 'Ratings',
  });

  // THEN: the output the README states
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual([{ rows: 2 }, { rows: 1 }]);
  expect(result.unusedMocks).toEqual([]);
});

test('the README\'s Distributed Map example and its Python twin hold the same definition and mock config', () => {
  // GIVEN
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const tsLiteral = (name: string) => {
    const start = readme.indexOf(`const ${name} = `) + `const ${name} = `.length;
    return new Function(`return (${readme.slice(start, readme.indexOf('\n};', start) + 2)});`)();
  };
  const python = fs.readFileSync(path.join(__dirname, '..', 'python', 'examples', 'distributed_map_offline.py'), 'utf8');
  const pyLiteral = (name: string) => {
    const start = python.indexOf(`${name} = `) + `${name} = `.length;
    const text = python.slice(start, python.indexOf('\n}\n', start) + 2);
    // a Python dict of JSON values: True → true, no trailing commas
    return JSON.parse(text.replace(/\bTrue\b/g, 'true').replace(/,(\s*[}\]])/g, '$1'));
  };

  // THEN
  expect(pyLiteral('definition')).toEqual(tsLiteral('distributedDefinition'));
  expect(pyLiteral('mock_config')).toEqual(JSON.parse(JSON.stringify(tsLiteral('distributedMocks'))));
});
