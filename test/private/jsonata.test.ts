import jsonata from 'jsonata';
import { containsJsonata, jsonataBody, jsonataObject, jsonataString, toJsonataExpression } from '../../src/private';

describe('JSONata builders', () => {
  test.each([["it's"], ['a \\ path'], ['line\nbreak'], ['"quoted"'], ['plain']])('string literal %j evaluates to itself', async (text) => {
    await expect(jsonata(jsonataString(text)).evaluate({})).resolves.toBe(text);
  });

  test('objects from literal keys and expressions', async () => {
    const expression = jsonataObject({ 'job id': '$.id', 'poll': jsonataObject({ outcome: jsonataString('RUNNING') }) });
    await expect(jsonata(expression).evaluate({ id: 'j-1' })).resolves.toEqual({ 'job id': 'j-1', 'poll': { outcome: 'RUNNING' } });
  });

  test('a value with embedded {% %} expressions becomes one expression', async () => {
    const value = { name: '{% $.name %}', fixed: [1, 'two', null], nested: { n: '{% $.n + 1 %}' } };
    expect(containsJsonata(value)).toBe(true);
    expect(containsJsonata({ plain: ['x', 1] })).toBe(false);
    expect(jsonataBody('{%  $.x  %}')).toBe('$.x');
    await expect(jsonata(toJsonataExpression(value)).evaluate({ name: 'a', n: 1 })).resolves.toEqual({
      name: 'a', fixed: [1, 'two', null], nested: { n: 2 },
    });
  });
});
