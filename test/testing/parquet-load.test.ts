/**
 * hyparquet is an ES module: `require` loads it from Node.js 20.19 / 22.12 on. Where it cannot, a PARQUET reader's
 * execution rejects with an error naming the versions needed (here the load is made to fail as it fails there).
 */
import { testing } from '../../src';

jest.mock('hyparquet', () => {
  throw Object.assign(new Error('require() of ES Module hyparquet/src/node.js not supported.'), { code: 'ERR_REQUIRE_ESM' });
});

test('a PARQUET reader on a Node.js that cannot require ES modules: the execution rejects naming the versions needed', async () => {
  // GIVEN
  const definition = {
    StartAt: 'Read',
    States: {
      Read: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'PARQUET' }, Parameters: { Bucket: 'b', Key: 'k' } },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        End: true,
      },
    },
  };
  const body = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(4), Buffer.from([4, 0, 0, 0]), Buffer.from('PAR1')]).toString('base64');

  // THEN
  await expect(testing.Workflow.fromDefinition(definition).execute({ taskHandler: { handle: () => ({ result: { Body: body } }) } }))
    .rejects.toThrow(/reads PARQUET objects with hyparquet, an ES module, which this Node.js \(v[\d.]+\) cannot require: it needs Node.js 20.19 or later in the 20 line, or 22.12 or later \(require\(\) of ES Module/);
});

test('a workflow without a PARQUET reader never loads hyparquet', async () => {
  // WHEN: loading the (mocked) module would throw

  const result = await testing.Workflow.fromDefinition({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }).execute({ input: { a: 1 } });

  // THEN
  expect(result.output).toEqual({ a: 1 });
});
