import { HandlerError, isThrottling, preview, withThrottleRetry } from '../../../lambda/shared/runtime';

const throttled = (props: Record<string, unknown>) => Object.assign(new Error('slow down'), props);

beforeEach(() => {
  jest.spyOn(console, 'info').mockImplementation(() => {});
});
afterEach(() => jest.restoreAllMocks());

describe('isThrottling', () => {
  test.each([
    ['HTTP 429', { $metadata: { httpStatusCode: 429 } }],
    ['ThrottlingException', { name: 'ThrottlingException' }],
    ['TooManyRequestsException', { name: 'TooManyRequestsException' }],
    ['the SDK throttling flag', { $retryable: { throttling: true } }],
    ['Batch ClientException "Too Many Requests"', { name: 'ClientException', message: 'Too Many Requests' }],
  ])('recognises %s', (_label, props) => {
    expect(isThrottling(throttled(props))).toBe(true);
  });

  test.each([
    ['a client error', { name: 'ClientException', message: 'Job queue not found' }],
    ['an access denial', { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }],
  ])('does not mistake %s for throttling', (_label, props) => {
    expect(isThrottling(throttled(props))).toBe(false);
    expect(isThrottling('ThrottlingException')).toBe(false);
  });
});

describe('withThrottleRetry', () => {
  const options = { what: 'DescribeJobs', attempts: 3, exhaustedError: 'Test.Throttled' };

  test('retries throttled calls, then returns the result', async () => {
    // GIVEN
    const call = jest.fn()
      .mockRejectedValueOnce(throttled({ name: 'ThrottlingException' }))
      .mockResolvedValueOnce('ok');
    // WHEN / THEN
    await expect(withThrottleRetry(options, call)).resolves.toBe('ok');
    expect(call).toHaveBeenCalledTimes(2);
  });

  test('after the last attempt fails with the named error', async () => {
    const call = jest.fn().mockRejectedValue(throttled({ name: 'ThrottlingException' }));
    const error = (await withThrottleRetry(options, call).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(HandlerError);
    expect(error.name).toBe('Test.Throttled');
    expect(error.message).toBe('DescribeJobs was throttled 3 times: slow down');
    expect(call).toHaveBeenCalledTimes(3);
  });

  test('never swallows another error', async () => {
    const denied = throttled({ name: 'AccessDeniedException' });
    const call = jest.fn().mockRejectedValue(denied);
    await expect(withThrottleRetry(options, call)).rejects.toBe(denied);
    expect(call).toHaveBeenCalledTimes(1);
  });
});

test('preview keeps messages short', () => {
  expect(preview({ a: 'x'.repeat(300) })).toHaveLength(200);
  expect(preview(undefined)).toBe('undefined');
});
