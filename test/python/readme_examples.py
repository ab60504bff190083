"""Reports examples/*.py files whose code is not shown in README.md.

The README's Python examples are kept as real files in examples/ so pyright
and pytest can check them; this keeps the two copies from drifting.  The code
of an example is the file without its leading module docstring; it must occur
as one ```python block of the README (trailing whitespace ignored).

Usage: readme_examples.py README.md EXAMPLES_DIR [--strict]
Without --strict, missing examples are only reported (exit 0).
"""

import ast
import pathlib
import re
import sys

FENCE = re.compile(r"^```(?:python|py)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def normalize(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip("\n").splitlines())


def example_code(path: pathlib.Path) -> str:
    source = path.read_text(encoding="utf-8")
    module = ast.parse(source)
    lines = source.splitlines(keepends=True)
    if module.body and isinstance(module.body[0], ast.Expr) and isinstance(module.body[0].value, ast.Constant) and isinstance(module.body[0].value.value, str):
        lines = lines[module.body[0].end_lineno :]
    return normalize("".join(lines))


def main() -> int:
    readme = pathlib.Path(sys.argv[1])
    examples = sorted(pathlib.Path(sys.argv[2]).glob("*.py"))
    strict = "--strict" in sys.argv[3:]
    blocks = {normalize(m.group(1)) for m in FENCE.finditer(readme.read_text(encoding="utf-8"))} if readme.exists() else set()
    missing = [p.name for p in examples if example_code(p) not in blocks]
    for name in missing:
        level = "ERROR" if strict else "warning"
        print(f"readme_examples: {level}: the code of examples/{name} is not a ```python block of {readme.name}")
    if not missing:
        print(f"readme_examples: all {len(examples)} example(s) appear in {readme.name}")
    return 1 if strict and missing else 0


if __name__ == "__main__":
    sys.exit(main())
