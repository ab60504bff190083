/**
 * One Python README: each example once, as the real Python shown in README.md.
 *
 * README.md shows every example twice, in TypeScript (```ts) and right after it in Python (```python, the code
 * of test/python/examples/*.py, which pyright type-checks). jsii copies README.md into the assembly (.jsii),
 * and jsii-pacmak writes the Python package's README and module docstring from it, replacing each ```ts
 * block by its Python translation from the assembly's rosetta tablet (.jsii.tabl.json) — or, without one, by
 * the TypeScript itself under a ```python fence.
 *
 * Run after `jsii` (post-compile), this
 *  - writes .jsii.tabl.json, whose Python translation of each ```ts block of the README is its ```python twin;
 *  - removes the twins from the assembly's README (the translations take their place), so every generated
 *    README (Python, and every language view of the assembly) shows each example once, in its language,
 *    while README.md itself (GitHub, npm) keeps both.
 *
 * It fails when a ```ts block has no ```python block right after it (blank lines only in between): every
 * example is written in both languages, and the Python README reads on where the TypeScript stood. Container code and other non-CDK blocks use other fences (```js,
 * ```python container) and stay as they are.
 *
 * Usage: ts-node --project tsconfig.dev.json projenrc/python-readme.ts [package directory]
 */
import * as fs from 'fs';
import * as path from 'path';
import { LanguageTablet, TargetLanguage, TranslatedSnippet, typeScriptSnippetFromSource } from 'jsii-rosetta';

interface Block {
  /** the fence's info string, e.g. `ts` or `python` */
  readonly info: string;
  /** the code, as a Markdown parser gives it (every line ends with a newline) */
  readonly source: string;
  /** the lines [first, last] of the block, fences included (0-based) */
  readonly first: number;
  readonly last: number;
}

/** The fenced code blocks of a Markdown text (fences at the start of a line, as this README writes them). */
export function codeBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const close = lines.findIndex((line, j) => j > i && line.startsWith(open[1]) && line.slice(open[1].length).trim() === '');
    if (close < 0) throw new Error(`README: the code block opened at line ${i + 1} is not closed`);
    const body = lines.slice(i + 1, close);
    blocks.push({ info: open[2].trim(), source: body.map((l) => `${l}\n`).join(''), first: i, last: close });
    i = close;
  }
  return blocks;
}

const language = (block: Block) => block.info.split(/\s+/)[0];
const isTypeScript = (block: Block) => ['ts', 'typescript'].includes(language(block));
const isPythonTwin = (block: Block) => block.info === 'python' || block.info === 'py';

/** Pairs each ```ts block with the ```python block right after it. */
export function examplePairs(markdown: string): Array<{ ts: Block; python: Block }> {
  const blocks = codeBlocks(markdown);
  const lines = markdown.split('\n');
  const pairs: Array<{ ts: Block; python: Block }> = [];
  blocks.forEach((block, index) => {
    if (!isTypeScript(block)) return;
    const next = blocks[index + 1];
    if (!next || !isPythonTwin(next)) {
      throw new Error(`README: the TypeScript example at line ${block.first + 1} has no Python version right after it (a \`\`\`python block)`);
    }
    const between = lines.slice(block.last + 1, next.first).filter((line) => line.trim() !== '');
    if (between.length > 0) {
      throw new Error(`README: text between the TypeScript example at line ${block.first + 1} and its Python version (the Python README would keep it and lose the TypeScript): ${between[0]}`);
    }
    pairs.push({ ts: block, python: next });
  });
  return pairs;
}

async function main(dir: string) {
  const assemblyFile = path.join(dir, '.jsii');
  const assembly = JSON.parse(fs.readFileSync(assemblyFile, 'utf8'));
  if (assembly.schema === 'jsii/file-redirect') throw new Error('python-readme: compressed assemblies are not supported');
  const markdown: string | undefined = assembly.readme?.markdown;
  if (!markdown) throw new Error('python-readme: the assembly has no README');
  if (assembly.fingerprint === '*'.repeat(10) && fs.existsSync(path.join(dir, '.jsii.tabl.json'))) {
    console.log('python-readme: already done for this assembly (compile again to redo)');
    return;
  }

  const pairs = examplePairs(markdown);
  const tablet = new LanguageTablet();
  const version = JSON.parse(fs.readFileSync(require.resolve('jsii-rosetta/package.json'), 'utf8')).version;
  for (const { ts, python } of pairs) {
    // the snippet exactly as jsii-pacmak will look it up: the root module's README, the block's code
    const snippet = typeScriptSnippetFromSource(ts.source, { api: { api: 'moduleReadme', moduleFqn: assembly.name }, field: { field: 'markdown', line: ts.first + 1 } }, false);
    const translated = TranslatedSnippet.fromTypeScript(snippet, true);
    translated.addTranslation(TargetLanguage.PYTHON, python.source.replace(/\n$/, ''), version);
    tablet.addTranslations(translated);
  }

  // drop each Python twin (and the blank lines before it) from the assembly's README
  const lines = markdown.split('\n');
  for (const { ts, python } of [...pairs].reverse()) {
    let from = python.first;
    while (from - 1 > ts.last && lines[from - 1].trim() === '') from--;
    lines.splice(from, python.last - from + 1);
  }
  assembly.readme.markdown = lines.join('\n');
  // the assembly changed after jsii wrote it: like `jsii-rosetta infuse`, say so in the fingerprint
  assembly.fingerprint = '*'.repeat(10);
  fs.writeFileSync(assemblyFile, JSON.stringify(assembly, undefined, 2));
  await tablet.save(path.join(dir, '.jsii.tabl.json'));
  console.log(`python-readme: ${pairs.length} examples; the assembly's README shows each once (Python from its twin via .jsii.tabl.json)`);
}

if (require.main === module) {
  main(path.resolve(process.argv[2] ?? '.')).catch((e) => {
    console.error(e.message ?? e);
    process.exit(1);
  });
}
