import { EVENTS, GROWTH_PERCENT, HISTORY_LIMIT, maxSupportedSeconds, nextPollSeconds, pollCost, PollPolicy } from '../../src/polling/private/interval';

const DEFAULTS: PollPolicy = { pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: GROWTH_PERCENT };
const SAMPLE: PollPolicy = { pollIntervalSeconds: 60, maxPollIntervalSeconds: 60, growthPercent: 0 }; // seed 003: a fixed 60 s wait

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

describe('nextPollSeconds', () => {
  test('starts at pollInterval, grows to 10 % of the elapsed time, and stops at maxPollInterval', () => {
    // WHEN / THEN
    expect(nextPollSeconds(DEFAULTS, 0)).toBe(30);
    expect(nextPollSeconds(DEFAULTS, 299)).toBe(30);
    expect(nextPollSeconds(DEFAULTS, 600)).toBe(60);
    expect(nextPollSeconds(DEFAULTS, 10 * HOUR)).toBe(3600);
    expect(nextPollSeconds(DEFAULTS, 3 * DAY)).toBe(3600);
  });

  test('lands on a deadline instead of passing it', () => {
    // WHEN / THEN
    expect(nextPollSeconds({ ...DEFAULTS, timeoutSeconds: 1000 }, 990)).toBe(10);
    expect(nextPollSeconds({ ...DEFAULTS, maxQueueSeconds: 700 }, 650, 650)).toBe(50);
    // the queue limit only applies while the job has not started
    expect(nextPollSeconds({ ...DEFAULTS, maxQueueSeconds: 700 }, 650)).toBe(65);
  });

  test('is a whole number of seconds, at least 1', () => {
    // WHEN / THEN
    expect(nextPollSeconds({ ...DEFAULTS, timeoutSeconds: 100 }, 100)).toBe(1);
    expect(nextPollSeconds({ ...DEFAULTS, timeoutSeconds: 100 }, 99.5)).toBe(1);
    expect(Number.isInteger(nextPollSeconds(DEFAULTS, 12_345.6))).toBe(true);
  });
});

describe('pollCost', () => {
  test('keeps the detection delay within max(pollInterval, 10 % of the duration)', () => {
    for (const duration of [MINUTE, 10 * MINUTE, HOUR, 5 * HOUR, DAY, 7 * DAY, 30 * DAY]) {
      // WHEN
      const cost = pollCost(DEFAULTS, duration);

      // THEN
      expect(cost.detectionDelaySeconds).toBeLessThanOrEqual(Math.min(3600, Math.max(30, duration / 10)));
      expect(cost.events).toBe(EVENTS.execution + EVENTS.parallel + EVENTS.start + cost.polls * EVENTS.poll + EVENTS.result);
    }
  });

  test('meets the issue\'s targets with the default policy', () => {
    // WHEN
    const day = pollCost(DEFAULTS, DAY);
    const sampleDay = pollCost(SAMPLE, DAY, { parallel: false });
    const month = pollCost(DEFAULTS, 30 * DAY);

    // THEN: at 24 h at most a tenth of the fixed-60-s sample's transitions; 30 days within 10,000 events
    expect(day.transitions * 10).toBeLessThanOrEqual(sampleDay.transitions);
    expect(month.events).toBeLessThanOrEqual(10_000);
    // the sample outgrows the history limit before day 3
    expect(pollCost(SAMPLE, 3 * DAY, { parallel: false }).events).toBeGreaterThan(HISTORY_LIMIT);
  });

  test('a timeout ends the loop with a cancel and a Fail', () => {
    // WHEN
    const cost = pollCost({ ...DEFAULTS, timeoutSeconds: HOUR }, Number.POSITIVE_INFINITY);

    // THEN
    expect(cost.detectionDelaySeconds).toBe(0);
    expect(cost.events).toBe(EVENTS.execution + EVENTS.parallel + EVENTS.start + cost.polls * EVENTS.poll + EVENTS.cancel + EVENTS.fail);
    expect(cost.waits.reduce((a, b) => a + b, 0)).toBe(HOUR);
  });
});

describe('maxSupportedSeconds', () => {
  test('is the longest duration within the history limit', () => {
    // WHEN
    const max = maxSupportedSeconds(DEFAULTS);

    // THEN: about 113 days with the defaults; the sample stops near 46 hours
    expect(pollCost(DEFAULTS, max).events).toBeLessThanOrEqual(HISTORY_LIMIT);
    expect(pollCost(DEFAULTS, max + 1).events).toBeGreaterThan(HISTORY_LIMIT);
    expect(max / DAY).toBeGreaterThan(110);
    expect(max / DAY).toBeLessThan(116);
    expect(maxSupportedSeconds(SAMPLE) / HOUR).toBeCloseTo(46.3, 0);
  });
});
