"""Reports examples/*.py files whose code is not shown in README.md.

The README's Python examples are kept as real files in examples/ so pyright
and pytest can check them; this keeps the two copies from drifting.  The code
of an example is the file without its leading module docstring or, when the
file has a line ``# ---- README ----``, what follows that line (the lines
before it are the snippet's fixture: what a short README snippet assumes, like
``self`` or a repository).  It must occur as one ```python block of the README
(trailing whitespace ignored), and with --strict every ```python block of the
README must be the code of an example (so every Python snippet users read is
type-checked and run).

Usage: readme_examples.py README.md EXAMPLES_DIR [--strict]
Without --strict, mismatches are only reported (exit 0).
"""

import ast
import pathlib
import re
import sys

FENCE = re.compile(r"^```(?:python|py)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def normalize(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip("\n").splitlines())


MARKER = "# ---- README ----"


def example_code(path: pathlib.Path) -> str:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    marked = [i for i, line in enumerate(lines) if line.strip() == MARKER]
    if marked:
        return normalize("".join(lines[marked[0] + 1 :]))
    module = ast.parse(source)
    lines = source.splitlines(keepends=True)
    if module.body and isinstance(module.body[0], ast.Expr) and isinstance(module.body[0].value, ast.Constant) and isinstance(module.body[0].value.value, str):
        lines = lines[module.body[0].end_lineno :]
    return normalize("".join(lines))


def main() -> int:
    readme = pathlib.Path(sys.argv[1])
    examples = sorted(pathlib.Path(sys.argv[2]).glob("*.py"))
    strict = "--strict" in sys.argv[3:]
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    blocks = [(text.count("\n", 0, m.start()) + 1, normalize(m.group(1))) for m in FENCE.finditer(text)]
    codes = {p.name: example_code(p) for p in examples}
    level = "ERROR" if strict else "warning"
    missing = [name for name, code in codes.items() if code not in {b for _, b in blocks}]
    for name in missing:
        print(f"readme_examples: {level}: the code of examples/{name} is not a ```python block of {readme.name}")
    unchecked = [line for line, block in blocks if block not in codes.values()]
    for line in unchecked:
        print(f"readme_examples: {level}: the ```python block at {readme.name}:{line} is not the code of an example in examples/")
    if not missing and not unchecked:
        print(f"readme_examples: all {len(examples)} example(s) appear in {readme.name}, and it has no other Python block")
    return 1 if strict and (missing or unchecked) else 0


if __name__ == "__main__":
    sys.exit(main())
