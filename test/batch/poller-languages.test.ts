/**
 * The BatchPollerJob poll loop gives the same figures in both query languages: the real state machine and the
 * real batch-poller handler on the executor's virtual clock (bench/poller.ts, which `npm run bench` reports for
 * jobs of 10 minutes to 30 days).
 */
import { pollerDefinition, runPoller } from '../../bench/poller';

test.each([
  ['10 minutes', 600],
  ['1 day', 86_400],
])('a %s job: same transitions, history events, Lambda invocations and detection delay in JSONPath and JSONata', async (_label, seconds) => {
  // GIVEN
  const jsonPath = pollerDefinition('JSONPath');
  const jsonata = pollerDefinition('JSONata');
  expect(jsonata.QueryLanguage).toBe('JSONata');
  expect(jsonPath.QueryLanguage ?? 'JSONPath').toBe('JSONPath');

  // WHEN
  const a = await runPoller(jsonPath, seconds);
  const b = await runPoller(jsonata, seconds);

  // THEN
  const { ms: _a, ...figuresA } = a;
  const { ms: _b, ...figuresB } = b;
  expect(figuresA.status).toBe('SUCCEEDED');
  expect(figuresB).toEqual(figuresA);
  expect(figuresA.detectionDelaySeconds).toBeGreaterThanOrEqual(0);
  expect(figuresA.detectionDelaySeconds).toBeLessThanOrEqual(Math.max(30, 0.1 * seconds));
  expect(figuresA.lambdaInvocations).toBeGreaterThan(1);
});
