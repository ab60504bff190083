import { Token, Tokenization } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { isJsonata } from './expressions';
import { jsonataString } from './jsonata';

/**
 * Values that reach a request, rendered so that Step Functions evaluates them in the state's query language, or
 * refused at synth. One place for the rules, applied by every task on the request it renders:
 *
 * - JSONPath state: a JsonPath value (`JsonPath.stringAt`, `numberAt`, `listAt`, `format`, …) is kept (aws-cdk-lib
 *   renders it as a `Key.$` field); a `{% … %}` expression, whole or inside a larger string, is refused (it would be
 *   sent as text); a JsonPath value inside a larger string is refused (JSONPath cannot concatenate: use
 *   `JsonPath.format`).
 * - JSONata state: a JsonPath value that is a plain reference (`$.a.b[0]`, `$$.Execution.Id`, `$var`) or a
 *   `States.Format`/`States.JsonToString` of such references is converted to the equivalent JSONata expression;
 *   any other JsonPath value is refused. A string holding expressions or JsonPath values among literal text
 *   (`s3://bucket/{% $states.input.prefix %}`) becomes one JSONata string concatenation; a whole `{% … %}` string is
 *   kept. A `Key.$` field is refused (it would be sent as a field literally named `Key.$`).
 * - Either language: an object key that is a JsonPath value or holds a JSONata expression is refused (keys are
 *   never evaluated).
 *
 * CloudFormation tokens (bucket names, ARNs) are literal text at run time: they are kept as they are.
 */
export function renderForQueryLanguage(scope: IConstruct, prop: string, value: unknown, queryLanguage: sfn.QueryLanguage): any {
  return render(scope, prop, value, queryLanguage === sfn.QueryLanguage.JSONATA);
}

const JSONPATH_RULE = 'a literal or a JsonPath value in a JSONPath state (JSONata expressions {% … %} only work in JSONata states)';
const JSONATA_RULE = 'a literal, a JSONata expression or a plain JsonPath reference ($.a.b, $$.Execution.Id) in a JSONata state';

function render(scope: IConstruct, prop: string, value: unknown, jsonata: boolean): any {
  if (typeof value === 'string') return renderString(scope, prop, value, jsonata);
  if (typeof value === 'number') return renderNumber(scope, prop, value, jsonata);
  if (Array.isArray(value)) {
    if (Token.isUnresolved(value)) {
      const path = jsonPathOf(Tokenization.reverseList(value));
      if (path === undefined || !jsonata) return value;
      return `{% ${toJsonata(scope, prop, path)} %}`;
    }
    return value.map((item, i) => render(scope, `${prop}[${i}]`, item, jsonata));
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, any> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const at = prop === '' ? key : `${prop}.${key}`;
      if (sfn.JsonPath.isEncodedJsonPath(key) || containsExpression(key)) {
        invalid(scope, `${prop === '' ? '' : `${prop}.`}${pathText(key)} (key)`, 'a literal key (keys are not evaluated)', pathText(key));
      }
      if (jsonata && key.endsWith('.$')) {
        invalid(scope, at, 'a field without the JSONPath ".$" suffix in a JSONata state (use a JSONata expression as the value)', item);
      }
      out[key] = render(scope, at, item, jsonata);
    }
    return out;
  }
  return value;
}

function renderNumber(scope: IConstruct, prop: string, value: number, jsonata: boolean): any {
  if (!Token.isUnresolved(value)) return value;
  const path = jsonPathOf(Tokenization.reverseNumber(value));
  if (path === undefined || !jsonata) return value;
  return `{% ${toJsonata(scope, prop, path)} %}`;
}

type Part = { readonly text: string } | { readonly path: string } | { readonly expression: string };

function renderString(scope: IConstruct, prop: string, value: string, jsonata: boolean): any {
  const parts = partsOf(value);
  const dynamic = parts.filter((p) => !('text' in p));
  if (dynamic.length === 0) return value;
  if (!jsonata) {
    if (dynamic.some((p) => 'expression' in p)) invalid(scope, prop, JSONPATH_RULE, describe(parts));
    if (parts.length > 1) {
      invalid(scope, prop, 'a JsonPath value as the whole string in a JSONPath state (JSONPath cannot concatenate: build it with JsonPath.format)', describe(parts));
    }
    return value;
  }
  if (parts.length === 1 && 'expression' in parts[0] && isJsonata(value)) return value;
  const terms = parts.map((p) => ('text' in p ? jsonataString(p.text) : 'path' in p ? toJsonata(scope, prop, p.path) : `(${p.expression})`));
  return `{% ${terms.join(' & ')} %}`;
}

/** Literal text (CloudFormation tokens included), JsonPath values and `{% … %}` expressions, in order. */
function partsOf(value: string): Part[] {
  const parts: Part[] = [];
  const addText = (text: string) => {
    let last = 0;
    for (const m of text.matchAll(/\{%([\s\S]*?)%\}/g)) {
      if (m.index! > last) parts.push({ text: text.slice(last, m.index) });
      parts.push({ expression: m[1].trim() });
      last = m.index! + m[0].length;
    }
    if (last < text.length) parts.push({ text: text.slice(last) });
  };
  if (!Token.isUnresolved(value)) {
    addText(value);
  } else {
    let text = '';
    for (const piece of value.split(/(\$\{Token\[[^\]]+\]\})/)) {
      const path = piece.startsWith('${Token[') ? jsonPathOf(Tokenization.reverseString(piece).firstToken) : undefined;
      if (path === undefined) {
        text += piece;
        continue;
      }
      addText(text);
      text = '';
      parts.push({ path });
    }
    addText(text);
  }
  // merge adjacent text (a CloudFormation token between literals)
  return parts.reduce<Part[]>((acc, p) => {
    const prev = acc[acc.length - 1];
    if (prev && 'text' in prev && 'text' in p) acc[acc.length - 1] = { text: prev.text + p.text };
    else acc.push(p);
    return acc;
  }, []);
}

function jsonPathOf(token: unknown): string | undefined {
  if (token === undefined || token === null || typeof token !== 'object') return undefined;
  const path = (token as { path?: unknown }).path;
  if (typeof path !== 'string') return undefined;
  return sfn.JsonPath.isEncodedJsonPath(Token.asString(token)) ? path : undefined;
}

/** True when `s` holds a `{% … %}` expression anywhere. */
export function containsExpression(s: string): boolean {
  return /\{%[\s\S]*?%\}/.test(s);
}

function pathText(value: string): string {
  return partsOf(value).map((p) => ('text' in p ? p.text : 'path' in p ? p.path : `{% ${p.expression} %}`)).join('');
}

function describe(parts: Part[]): string {
  return parts.map((p) => ('text' in p ? p.text : 'path' in p ? p.path : `{% ${p.expression} %}`)).join('');
}

const REFERENCE = /^(\$\$|\$[A-Za-z_][A-Za-z0-9_]*|\$)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)$/;

/**
 * The JSONata expression equivalent to a JsonPath value: plain references, and `States.Format` /
 * `States.JsonToString` of plain references; anything else is refused.
 */
export function jsonPathToJsonata(scope: IConstruct, prop: string, path: string): string {
  return toJsonata(scope, prop, path);
}

function toJsonata(scope: IConstruct, prop: string, path: string): string {
  const trimmed = path.trim();
  const ref = reference(trimmed);
  if (ref !== undefined) return ref;
  const json = /^States\.JsonToString\(\s*([^,()]+?)\s*\)$/.exec(trimmed);
  if (json) {
    const inner = reference(json[1]);
    if (inner !== undefined) return `$string(${inner})`;
  }
  const format = /^States\.Format\(\s*'((?:[^'\\]|\\.)*)'\s*((?:,\s*[^,()]+?\s*)*)\)$/.exec(trimmed);
  if (format) {
    const args = format[2].split(',').map((a) => a.trim()).filter((a) => a !== '').map(reference);
    const pieces = splitTemplate(format[1]);
    if (pieces.length === args.length + 1 && args.every((a) => a !== undefined)) {
      const terms: string[] = [];
      pieces.forEach((piece, i) => {
        if (piece !== '') terms.push(jsonataString(piece));
        if (i < args.length) terms.push(`$string(${args[i]})`);
      });
      return terms.length === 1 ? terms[0] : terms.join(' & ');
    }
  }
  return invalid(scope, prop, JSONATA_RULE, path);
}

function reference(path: string): string | undefined {
  const m = REFERENCE.exec(path);
  if (!m) return undefined;
  const root = m[1] === '$$' ? '$states.context' : m[1] === '$' ? '$states.input' : m[1];
  return `${root}${m[2]}`;
}

/** `States.Format` template text split at its `{}` placeholders, with `\'`, `\{`, `\}`, `\\` unescaped. */
function splitTemplate(template: string): string[] {
  const pieces: string[] = [''];
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '\\' && i + 1 < template.length) {
      pieces[pieces.length - 1] += template[++i];
    } else if (c === '{' && template[i + 1] === '}') {
      pieces.push('');
      i++;
    } else {
      pieces[pieces.length - 1] += c;
    }
  }
  return pieces;
}

/**
 * A number for an API field that takes it as a string (e.g. hyperparameter range bounds): a literal as its text, a
 * JsonPath number (`JsonPath.numberAt`) as `States.Format('{}', path)` (so JSONPath evaluates it to a string, and
 * `renderForQueryLanguage` turns it into `$string(…)` for JSONata), a CloudFormation token as a string token.
 */
export function numberAsString(value: number): string {
  if (!Token.isUnresolved(value)) return String(value);
  const path = jsonPathOf(Tokenization.reverseNumber(value));
  if (path !== undefined) return sfn.JsonPath.format('{}', sfn.JsonPath.stringAt(path));
  return Tokenization.stringifyNumber(value);
}

/** True when `value` holds a JsonPath value anywhere (whole or inside a larger string); never throws. */
export function containsJsonPath(value: string): boolean {
  return Token.isUnresolved(value) && partsOf(value).some((p) => 'path' in p);
}
