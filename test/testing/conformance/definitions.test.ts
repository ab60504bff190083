/**
 * The conformance cases are well formed and every definition is valid ASL (asl-validator, JSONata parsed).
 * Needs no executor.
 */
import { loadTopics, shapeProblems } from './cases';
import { validateAsl } from '../../support/asl';

const topics = loadTopics();

describe('conformance case data', () => {
  test('there are at least 60 cases, with unique names', () => {
    // GIVEN
    const names = topics.flatMap((t) => t.cases.map((c) => c.name));

    // THEN
    expect(names.length).toBeGreaterThanOrEqual(60);
    expect(new Set(names).size).toBe(names.length);
  });

  describe.each(topics.map((t) => [t.topic, t.cases] as const))('%s', (_topic, cases) => {
    test.each(cases.map((c) => [c.name, c] as const))('%s: definition is valid ASL', (_name, c) => {
      // THEN
      if (c.aslValidatorGap) {
        expect(() => validateAsl(c.definition)).toThrow();
      } else {
        expect(() => validateAsl(c.definition)).not.toThrow();
      }
    });

    test.each(cases.map((c) => [c.name, c] as const))('%s: case is complete', (_name, c) => {
      // THEN: a source page, a description in our words, an expectation
      expect(c.source).toMatch(/https:\/\/(docs\.aws\.amazon\.com\/step-functions\/|states-language\.net\/)/);
      expect(c.description.length).toBeGreaterThan(10);
      expect(['SUCCEEDED', 'FAILED', 'TIMED_OUT']).toContain(c.expect.status);
      if (c.expect.status === 'SUCCEEDED') {
        expect(c.expect.output !== undefined || c.expectShape !== undefined).toBe(true);
      } else {
        expect(c.expect.error).toBeDefined();
      }
      // a Task needs a mock for the state machine and test case the runner uses
      if (JSON.stringify(c.definition).includes('"Type":"Task"')) {
        expect(c.mockConfig).toBeDefined();
        expect(c.testCase).toBeDefined();
      }
    });
  });
});

describe('shape matcher', () => {
  test('accepts conforming values and names each problem', () => {
    // GIVEN
    const shapes = {
      id: { type: 'uuidv4' as const },
      n: { type: 'integer' as const, min: 1, max: 9 },
      r: { type: 'number' as const, min: 0, max: 1, maxExclusive: true },
      same: { type: 'integer' as const, equalsPath: 'n' },
    };

    // THEN
    expect(shapeProblems({ id: 'ca4c1140-dcc1-40cd-ad05-7b4aa23df4a8', n: 5, r: 0.5, same: 5 }, shapes)).toEqual([]);
    expect(shapeProblems({ id: 'nope', n: 10, r: 1, same: 4 }, shapes)).toEqual([
      expect.stringMatching(/^id: must be a version 4 UUID/),
      expect.stringMatching(/^n: must be in 1\.\.9/),
      expect.stringMatching(/^r: must be in 0\.\.1 \(exclusive\)/),
      expect.stringMatching(/^same: must equal n/),
    ]);
  });
});
