// Runs the README's TypeScript Quick start exactly as written, in an empty folder, with the newest packages npm
// serves today, and fails unless it synthesizes a state machine.
//
//   node .ci/quick-start.js <packed cdk-sfn-jobs tarball>
//
// Everything comes from README.md, so the README and this check cannot drift apart:
//  - the commands: the lines between `# TypeScript` and `# Python` of the ```bash block right after the marker
//    comment "<!-- .ci/run runs the TypeScript lines of the next block ..."; run in order by one bash with -e;
//  - the app: every ```ts block of the "Quick start" section whose first line names its file (`// app.ts`),
//    written into the folder where the commands say "# write app.ts".
// The one change: cdk-sfn-jobs is not on the registry before a release, so its name in the `npm install` line
// becomes the tarball's path. That is the most faithful substitute: npm resolves the tarball's dependencies and
// peers exactly as it would the registry's package, every other package (aws-cdk-lib, constructs, aws-cdk, tsx,
// typescript) comes from npm as the README asks for it, and no command is added or reordered. (Installing the
// tarball first and then running the line as written would not work: `npm install cdk-sfn-jobs` would ask the
// registry for the name.)
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const fail = (message) => { console.error(`quick-start: ${message}`); process.exit(1); };

const tarball = process.argv[2];
if (!tarball || !fs.existsSync(tarball)) fail(`usage: node .ci/quick-start.js <cdk-sfn-jobs tarball>; got ${tarball}`);
const tarballPath = path.resolve(tarball);
const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8').split('\n');

// The "Quick start" section: from its heading to the next level-2 heading.
const start = readme.findIndex((line) => /^## Quick start\s*$/.test(line));
if (start < 0) fail('README.md has no "## Quick start" section');
const end = readme.findIndex((line, i) => i > start && /^## /.test(line));
const section = readme.slice(start, end < 0 ? undefined : end);

/** The fenced blocks of the section: { info, lines, at } (`at`: index of the opening fence in `section`). */
const blocks = [];
for (let i = 0; i < section.length; i++) {
  const open = /^(`{3,})(.*)$/.exec(section[i]);
  if (!open) continue;
  const close = section.findIndex((line, j) => j > i && line.startsWith(open[1]) && line.slice(open[1].length).trim() === '');
  if (close < 0) fail(`the Quick start's code block at "${section[i]}" is not closed`);
  blocks.push({ info: open[2].trim(), lines: section.slice(i + 1, close), at: i });
  i = close;
}

// The commands.
const marker = section.findIndex((line) => line.startsWith('<!-- .ci/run runs the TypeScript lines of the next block'));
if (marker < 0) fail('the Quick start has lost its marker comment "<!-- .ci/run runs the TypeScript lines of the next block ..."');
const commandBlock = blocks.find((block) => block.at > marker);
if (!commandBlock || commandBlock.info !== 'bash') fail('the block after the Quick start marker is not a ```bash block');
const first = commandBlock.lines.findIndex((line) => /^#\s*TypeScript\s*$/.test(line));
if (first < 0) fail('the Quick start\'s ```bash block has no "# TypeScript" line');
const last = commandBlock.lines.findIndex((line, i) => i > first && /^#\s*Python\s*$/.test(line));
const commands = commandBlock.lines.slice(first + 1, last < 0 ? undefined : last).filter((line) => line.trim() !== '');

// The app's files.
const files = new Map();
for (const block of blocks) {
  if (!['ts', 'typescript'].includes(block.info.split(/\s+/)[0])) continue;
  const name = /^\/\/\s*([\w.-]+\.ts)\s*$/.exec(block.lines[0] || '');
  if (name) files.set(name[1], `${block.lines.join('\n')}\n`);
}
if (files.size === 0) fail('the Quick start has no ```ts block whose first line names its file (`// app.ts`)');

// The script: the commands as written, the files written where the README says to write them, the package name
// swapped for the tarball in the install line.
const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'quick-start-files-'));
for (const [name, text] of files) fs.writeFileSync(path.join(staging, name), text);
let swapped = 0;
let written = false;
const script = ['set -euo pipefail -x'];
for (const command of commands) {
  const write = /^#\s*write\s+(.*)$/.exec(command);
  if (write) {
    for (const name of files.keys()) {
      if (!write[1].includes(name)) fail(`the Quick start writes ${[...files.keys()].join(', ')} but its "# write" line names "${write[1]}"`);
    }
    script.push(`cp ${[...files.keys()].map((name) => JSON.stringify(path.join(staging, name))).join(' ')} .`);
    written = true;
    continue;
  }
  if (/^npm (install|i)\b/.test(command) && /(^|\s)cdk-sfn-jobs(?=\s|$|#)/.test(command)) {
    script.push(command.replace(/(^|\s)cdk-sfn-jobs(?=\s|$|#)/, (_, space) => `${space}${JSON.stringify(tarballPath)}`));
    swapped += 1;
    continue;
  }
  script.push(command);
}
if (swapped !== 1) fail(`expected exactly one \`npm install ... cdk-sfn-jobs\` line in the Quick start's TypeScript commands; found ${swapped}:\n  ${commands.join('\n  ')}`);
if (!written) fail('the Quick start\'s TypeScript commands have no "# write app.ts" line');

// Run it in an empty folder, outside this repository (no .npmrc, tsconfig or node_modules of ours above it).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quick-start-'));
console.log(`quick-start: in ${dir}, the README's commands (cdk-sfn-jobs -> ${tarballPath}):\n  ${commands.join('\n  ')}`);
// Its output (cdk synth prints the whole template) goes to a log: shown in full on failure, as its commands
// (bash -x) and npm's lines on success.
const logFile = path.join(dir, 'quick-start.log');
const logFd = fs.openSync(logFile, 'w');
const run = spawnSync('bash', ['-c', script.join('\n')], {
  cwd: dir,
  stdio: ['ignore', logFd, logFd],
  env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
});
fs.closeSync(logFd);
const log = fs.readFileSync(logFile, 'utf8');
if (run.status !== 0) {
  console.log(log);
  fail(`the README's Quick start failed (${run.status !== null ? `exit ${run.status}` : run.signal || run.error}); folder kept: ${dir}`);
}
console.log(log.split('\n').filter((line) => /^\+ |^added |^npm (warn|error)/.test(line)).join('\n'));

// What it installed: the newest from npm, unless the README pins a version.
const installed = (name) => {
  try { return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version; } catch { return 'not installed'; }
};
for (const name of ['aws-cdk-lib', 'aws-cdk', 'constructs', 'typescript', 'tsx', 'cdk-sfn-jobs']) {
  let newest = '';
  if (name === 'aws-cdk-lib' || name === 'aws-cdk') {
    try { newest = ` (newest on npm: ${execFileSync('npm', ['view', name, 'version'], { cwd: dir, encoding: 'utf8' }).trim()})`; } catch { newest = ' (npm view failed)'; }
  }
  console.log(`quick-start: ${name} ${installed(name)}${newest}`);
}

// The check: a synthesized template with a state machine.
const out = path.join(dir, 'cdk.out');
const templates = fs.existsSync(out) ? fs.readdirSync(out).filter((f) => f.endsWith('.template.json')) : [];
const machines = templates.flatMap((file) => {
  const template = JSON.parse(fs.readFileSync(path.join(out, file), 'utf8'));
  return Object.entries(template.Resources || {})
    .filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')
    .map(([id]) => `${file}: ${id}`);
});
if (machines.length === 0) fail(`the Quick start synthesized no AWS::StepFunctions::StateMachine (templates in cdk.out: ${templates.join(', ') || 'none'}); folder kept: ${dir}`);
console.log(`quick-start: OK, synthesized ${machines.join(', ')}`);
fs.rmSync(dir, { recursive: true, force: true });
fs.rmSync(staging, { recursive: true, force: true });
