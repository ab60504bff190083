/**
 * The kinds of the options every poller takes (`JobPollingBaseOptions`, `JobPollingOptions`), for `checkProps`: checked
 * by each poller's constructor before it reads them, so a plain JavaScript caller's `timeout: 3600` is refused by
 * name rather than failing deep inside the poll policy.
 */
export const POLLING_BASE_PROPS: Record<string, string> = {
  pollInterval: 'duration?',
  maxPollInterval: 'duration?',
  timeout: 'duration?',
  resultPath: 'string?',
  queryLanguage: 'queryLanguage?',
  cancelJobOnExecutionStop: 'boolean?',
  stateName: 'string?',
  comment: 'string?',
  outputs: 'any?',
  assign: 'object?',
  detection: 'instance?',
};

/** `JobPollingOptions`: the base, and `maxQueueTime`. */
export const POLLING_PROPS: Record<string, string> = { ...POLLING_BASE_PROPS, maxQueueTime: 'duration?' };
