/**
 * Helpers shared by the bundled handlers (esbuild inlines this file into each bundle; it has no
 * dependencies of its own).
 */

/** A named error a state machine can `Retry` or `Catch` on (Lambda reports `name` as the error type). */
export class HandlerError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** At most 200 characters of JSON, for error messages and logs. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'ERROR';

/** One structured log line; the functions log JSON and Lambda's log-level filter applies. */
export function log(level: LogLevel, fields: Record<string, unknown>): void {
  const line = JSON.stringify(fields);
  if (level === 'ERROR') console.error(line);
  else if (level === 'INFO') console.info(line);
  else console.debug(line);
}

/**
 * An AWS throttling error: HTTP 429, a throttling error name, the SDK's own throttling flag, or AWS
 * Batch's `ClientException` "Too Many Requests".
 */
export function isThrottling(e: unknown): boolean {
  if (!isObject(e)) return false;
  if ((e.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode === 429) return true;
  if (['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded'].includes(String(e.name))) return true;
  if ((e.$retryable as { throttling?: boolean } | undefined)?.throttling === true) return true;
  return e.name === 'ClientException' && /too many requests|rate exceeded|throttl/i.test(String(e.message));
}

export interface ThrottleRetryOptions {
  /** What is called, for logs and the final error. */
  readonly what: string;
  /** Calls in all, the first included. */
  readonly attempts: number;
  /** The error name thrown when every attempt was throttled. */
  readonly exhaustedError: string;
}

/**
 * Calls `call` again while AWS throttles it, with exponential backoff and full jitter (at most 2 s a
 * pause); after `attempts` throttled calls, throws `exhaustedError` so the state machine's own Retry
 * takes over. Any other error is thrown as it is.
 */
export async function withThrottleRetry<T>(options: ThrottleRetryOptions, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!isThrottling(e)) throw e;
      if (attempt >= options.attempts) {
        throw new HandlerError(options.exhaustedError, `${options.what} was throttled ${attempt} times: ${(e as Error).message}`);
      }
      const delay = Math.random() * Math.min(2_000, 100 * 2 ** attempt);
      log('INFO', { action: 'throttled', call: options.what, attempt, retryInMs: Math.round(delay) });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
