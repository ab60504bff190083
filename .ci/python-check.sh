#!/usr/bin/env bash
# Offline check of the library's Python API (no PyPI, no real jsii runtime).
#
#   1. jsii-pacmak --code-only -t python for this package and, one at a time
#      (cached by version in .python-check/gen/), for every jsii assembly in
#      its dependency closure (constructs, aws-cdk-lib and aws-cdk-lib's jsii
#      dependencies);
#   2. a venv (.python-check/venv) filled from the local wheelhouse only;
#      our wheel and sdist are built with `python -m build --no-isolation`,
#      checked, and the wheel is installed into the venv;
#   3. the generated dependency packages are merged (symlinks) into
#      .python-check/site, put on PYTHONPATH together with the jsii stand-in
#      test/python/jsii_stub (the real jsii runtime is not obtainable here);
#   4. the Python README (PyPI's long description) and module docstring show
#      each example once, as Python (test/python/check_python_readme.py);
#      pyright type-checks test/python/examples/*.py (the README's Python
#      examples) against those bindings;
#   5. pytest runs test/python/test_bindings.py against them, and
#      test/python/test_cli_script.py on the installed `cdk-sfn-jobs` script
#      (the npm tarball the wheel ships, run as jsii's runtime runs it; needs node).
#
# Needs: `npm ci` done (jsii, jsii-pacmak, pyright in node_modules), python3 >= 3.10
# with a local wheelhouse. Runs `jsii` first when .jsii is missing.
# Env: PYTHON_CHECK_FRESH=1 regenerates the cached dependency bindings;
#      PYTHON_CHECK_README_STRICT=1 fails when an example is not shown in README.md;
#      PYTHON_CHECK_FIND_LINKS="dir ..." overrides the wheelhouse directories;
#      PYTHON=python3.x picks the interpreter.
set -euo pipefail

START_NS=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - START_NS) / 1000000 ))" | awk '{ printf "%.1f", $1 / 1000 }'; }
log() { printf '[python-check %6ss] %s\n' "$(elapsed)" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/.python-check"
BIN="$ROOT/node_modules/.bin"
PYTHON="${PYTHON:-python3}"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# keep bytecode out of the source tree
export PYTHONPYCACHEPREFIX="$WORK/pycache"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

for tool in jsii jsii-pacmak pyright; do
  [ -x "$BIN/$tool" ] || die "$BIN/$tool not found: run npm ci first"
done
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "$PYTHON is older than 3.10"
mkdir -p "$WORK"

# ---------------------------------------------------------------- wheelhouse
FIND_LINKS=()
for dir in ${PYTHON_CHECK_FIND_LINKS:-/opt/wheels /opt/pypi/files /opt/pypi-more/files}; do
  [ -d "$dir" ] && FIND_LINKS+=(--find-links "$dir")
done
[ ${#FIND_LINKS[@]} -gt 0 ] || die "no local wheelhouse found (set PYTHON_CHECK_FIND_LINKS)"
PIP_OFFLINE=(--no-index "${FIND_LINKS[@]}")

# Python packages the check needs (the jsii stand-in only needs typeguard and
# typing-extensions; the real runtime's attrs/cattrs/dateutil are not used).
# Users get typeguard 2.13.3 with the jsii runtime; the wheelhouse has only
# typeguard 4, so the stand-in raises typeguard 2's TypeError (see
# test/python/jsii_stub/jsii/_type_checking.py).
REQUIREMENTS=(setuptools wheel build pytest 'typeguard>=4,<5' typing-extensions)
VENV="$WORK/venv"
VENV_STAMP="$VENV/.python-check-stamp"
VENV_WANT="$("$PYTHON" -c 'import sys; print(sys.version)') | ${REQUIREMENTS[*]}"

setup_venv() {
  if [ -f "$VENV_STAMP" ] && [ "$(cat "$VENV_STAMP")" = "$VENV_WANT" ] && [ -x "$VENV/bin/python" ]; then
    echo "venv up to date"
    return 0
  fi
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q "${PIP_OFFLINE[@]}" --upgrade "${REQUIREMENTS[@]}"
  echo "$VENV_WANT" > "$VENV_STAMP"
  echo "venv created: $("$VENV/bin/python" -m pip freeze --all | tr '\n' ' ')"
}

# The venv is filled from the wheelhouse while node generates bindings.
log "creating venv from the local wheelhouse (background)"
setup_venv > "$WORK/venv.log" 2>&1 &
VENV_PID=$!
wait_venv() {
  if ! wait "$VENV_PID"; then
    cat "$WORK/venv.log" >&2
    die "venv setup failed"
  fi
  VENV_PID=
}
trap '[ -n "${VENV_PID:-}" ] && kill "$VENV_PID" 2>/dev/null; true' EXIT

# ------------------------------------------------------------------ assembly
if [ ! -f "$ROOT/.jsii" ]; then
  log "no .jsii: compiling with jsii"
  "$BIN/jsii" --silence-warnings=reserved-word
fi
# the Python README's examples: twins out of the assembly's README, translations into .jsii.tabl.json
# (post-compile does this; it is a no-op when already done)
"$BIN/ts-node" --project "$ROOT/tsconfig.dev.json" "$ROOT/projenrc/python-readme.ts" "$ROOT"

# ------------------------------------------------------------------ bindings
PACMAK_VERSION="$(node -p 'require("jsii-pacmak/package.json").version')"
GEN="$WORK/gen/pacmak-$PACMAK_VERSION"
if [ "${PYTHON_CHECK_FRESH:-}" = 1 ]; then rm -rf "$WORK/gen"; fi
mkdir -p "$GEN"

# Every jsii assembly of our dependency closure: "name<TAB>dir<TAB>version",
# dependencies before their dependents (the order pip would install them in).
DEPS_TSV="$WORK/deps.tsv"
node - "$ROOT" > "$DEPS_TSV" <<'EOF'
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const root = process.argv[2];
const readAssembly = (file) => {
  let a = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (a.schema === 'jsii/file-redirect') {
    let raw = fs.readFileSync(path.join(path.dirname(file), a.filename));
    if (a.compression === 'gzip') raw = zlib.gunzipSync(raw);
    a = JSON.parse(raw.toString('utf8'));
  }
  return a;
};
const self = readAssembly(path.join(root, '.jsii'));
const names = Object.keys(self.dependencyClosure || {});
const dirs = {};
const bases = [root];
// resolve each assembly like node would: from the repo, else from inside an already found one
for (let pass = 0; pass < names.length + 1; pass++) {
  for (const name of names) {
    if (dirs[name]) continue;
    for (const base of bases) {
      const dir = path.join(base, 'node_modules', name);
      if (fs.existsSync(path.join(dir, '.jsii'))) { dirs[name] = dir; bases.push(dir); break; }
    }
  }
}
const missing = names.filter((n) => !dirs[n]);
if (missing.length) { console.error(`jsii dependencies not found in node_modules: ${missing.join(', ')}`); process.exit(1); }
const pkg = (n) => JSON.parse(fs.readFileSync(path.join(dirs[n], 'package.json'), 'utf8'));
const deps = (n) => { const p = pkg(n); return Object.keys({ ...p.dependencies, ...p.peerDependencies }).filter((d) => names.includes(d)); };
const done = new Set();
const visit = (n) => { if (done.has(n)) return; done.add(n); deps(n).forEach(visit); console.log([n, dirs[n], pkg(n).version].join('\t')); };
names.sort().forEach(visit);
EOF

SITE_SOURCES=()
while IFS=$'\t' read -r name dir version; do
  out="$GEN/${name//\//__}@$version"
  SITE_SOURCES+=("$out/python/src")
  if [ -f "$out/.complete" ] && [ -d "$out/python/src" ]; then
    log "bindings for $name@$version: cached"
    continue
  fi
  log "generating Python bindings for $name@$version"
  rm -rf "$out"
  (cd "$dir" && "$BIN/jsii-pacmak" --code-only -t python --no-npmignore --rosetta-unknown-snippets verbatim -o "$out" .)
  [ -d "$out/python/src" ] || die "jsii-pacmak produced no Python package for $name"
  touch "$out/.complete"
done < "$DEPS_TSV"

log "generating Python bindings for this package"
SELF_OUT="$WORK/gen/self"
rm -rf "$SELF_OUT"
"$BIN/jsii-pacmak" --code-only -t python --no-npmignore -o "$SELF_OUT" .
SELF_PY="$SELF_OUT/python"
[ -f "$SELF_PY/setup.py" ] || die "jsii-pacmak produced no Python package for this package"
# the README PyPI shows (and the module docstring): each example once, as Python, no TypeScript
PY_MODULE="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).targets.python.module' "$ROOT/.jsii")"
(cd "$ROOT/test/python" && "$PYTHON" check_python_readme.py "$SELF_PY" "$PY_MODULE" examples)

# Merge the dependency packages into one tree, like pip installing them in order
# (aws-cdk-lib and its jsii dependencies share the aws_cdk package).
rm -rf "$WORK/site"
mkdir -p "$WORK/site"
for src in "${SITE_SOURCES[@]}"; do
  cp -rs --remove-destination "$src/." "$WORK/site/"
done

# ------------------------------------------------------------ wheel + sdist
wait_venv
log "venv ready: $(tail -n 1 "$WORK/venv.log")"
log "building wheel and sdist"
DIST="$WORK/dist"
rm -rf "$DIST"
# --skip-dependency-check: the generated pyproject pins setuptools/build
# releases that the wheelhouse does not have; the installed ones build fine.
(cd "$SELF_PY" && "$VENV/bin/python" -m build --no-isolation --skip-dependency-check --outdir "$DIST" .) > "$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; die "python -m build failed"; }
"$VENV/bin/python" "$ROOT/test/python/check_dists.py" "$ROOT/.jsii" "$DIST"
"$VENV/bin/python" -m pip install -q "${PIP_OFFLINE[@]}" --no-deps --force-reinstall "$DIST"/*.whl

export PYTHONPATH="$ROOT/test/python/jsii_stub:$WORK/site"
export CDK_SFN_JOBS_JSII="$ROOT/.jsii"

# ----------------------------------------------------------------- pyright
shopt -s nullglob
examples=("$ROOT"/test/python/examples/*.py)
shopt -u nullglob
[ ${#examples[@]} -gt 0 ] || die "no examples in test/python/examples/"
log "pyright: type-checking ${#examples[@]} example(s)"
"$BIN/pyright" -p "$ROOT/test/python/pyrightconfig.json"
# README.md must show the same code (a warning unless PYTHON_CHECK_README_STRICT=1)
"$VENV/bin/python" "$ROOT/test/python/readme_examples.py" "$ROOT/README.md" "$ROOT/test/python/examples" \
  ${PYTHON_CHECK_README_STRICT:+--strict}

# ------------------------------------------------------------------ pytest
log "pytest: bindings against the jsii stand-in"
(cd "$ROOT/test/python" && "$VENV/bin/python" -m pytest -q -rs -p no:cacheprovider test_bindings.py test_cli_script.py)

log "done in $(elapsed) s"
