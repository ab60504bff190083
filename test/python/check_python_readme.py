"""Checks the README that PyPI shows: each example once, as real Python.

jsii-pacmak writes the Python package's README (README.md, PyPI's long
description) and the module docstring from the assembly's README, translating
each TypeScript example with the rosetta tablet that projenrc/python-readme.ts
writes.  Both must show the code of every example in examples/ exactly once,
and no ```python block may hold TypeScript.

Usage: check_python_readme.py PACKAGE_DIR MODULE EXAMPLES_DIR
(PACKAGE_DIR: pacmak's python/ output; MODULE: e.g. cdk_sfn_jobs)
"""

import ast
import pathlib
import re
import sys

from readme_examples import FENCE, example_code, normalize

ANY_PYTHON_FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
TYPESCRIPT = [
    (re.compile(r"^\s*(const|let|var) \w+"), "a const/let declaration"),
    (re.compile(r"\bnew [A-Z]\w*[.(]|\bnew \w+\.\w+\("), "a `new` expression"),
    (re.compile(r"\w+: (string|number|boolean|any)\b"), "a TypeScript type annotation"),
    (re.compile(r"^\s*import \{|^\s*export "), "an ES import/export"),
    (re.compile(r"\bthis\.|\(this,"), "`this`"),
    (re.compile(r";\s*$"), "a statement ending in `;`"),
    (re.compile(r"=>"), "an arrow function"),
]


def problems(name: str, text: str, examples: dict) -> list:
    found = []
    for match in ANY_PYTHON_FENCE.finditer(text):
        line0 = text.count("\n", 0, match.start()) + 2
        for offset, line in enumerate(match.group(1).splitlines()):
            if line.lstrip().startswith("#"):
                continue
            for pattern, what in TYPESCRIPT:
                if pattern.search(line):
                    found.append(f"{name}:{line0 + offset}: TypeScript under a ```python fence ({what}): {line.strip()}")
    blocks = [normalize(m.group(1)) for m in FENCE.finditer(text)]
    for example, code in examples.items():
        count = blocks.count(code)
        if count != 1:
            found.append(f"{name}: the Python code of examples/{example} appears {count} times (want once)")
    return found


def main() -> int:
    package, module, examples_dir = pathlib.Path(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])
    examples = {p.name: example_code(p) for p in sorted(examples_dir.glob("*.py"))}
    init = package / "src" / module / "__init__.py"
    docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")), clean=False) or ""
    found = problems("README.md", (package / "README.md").read_text(encoding="utf-8"), examples)
    found += problems(f"{module}/__init__.py docstring", docstring, examples)
    for problem in found:
        print(f"check_python_readme: ERROR: {problem}")
    if found:
        return 1
    print(f"check_python_readme: the Python README and the module docstring show each of the {len(examples)} examples once, as Python")
    return 0


if __name__ == "__main__":
    sys.exit(main())
