// Sums jest junit reports and pytest's closing line into one plain "N passed, N failed" line.
const fs = require('fs');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) {
    console.error(`summary: missing ${file}`);
    failed += 1;
    continue;
  }
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.xml')) {
    const m = /<testsuites[^>]*\btests="(\d+)"[^>]*\bfailures="(\d+)"[^>]*\berrors="(\d+)"/.exec(text);
    if (!m) { console.error(`summary: unreadable ${file}`); failed += 1; continue; }
    const tests = +m[1];
    const fail = +m[2] + +m[3];
    const skip = (text.match(/<skipped\s*\/>/g) || []).length;
    console.log(`${file}: ${tests - fail - skip} passed, ${fail} failed, ${skip} skipped`);
    passed += tests - fail - skip; failed += fail; skipped += skip;
  } else {
    const line = text.split('\n').reverse().find((l) => /\d+ passed/.test(l)) || '';
    const p = /(\d+) passed/.exec(line); const f = /(\d+) failed/.exec(line); const s = /(\d+) skipped/.exec(line);
    if (!p) { console.error(`summary: no pytest result in ${file}`); failed += 1; continue; }
    console.log(`${file}: ${line.replace(/=/g, '').trim()}`);
    passed += +p[1]; failed += f ? +f[1] : 0; skipped += s ? +s[1] : 0;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
