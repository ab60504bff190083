"""Asserts that `python -m build` produced our wheel and sdist, with the
files a jsii Python package cannot work without.

Usage: check_dists.py PATH/TO/.jsii DIST_DIR
"""

import gzip
import json
import pathlib
import re
import sys
import tarfile
import zipfile


def load_assembly(path: pathlib.Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("schema") == "jsii/file-redirect":
        raw = (path.parent / data["filename"]).read_bytes()
        if data.get("compression") == "gzip":
            raw = gzip.decompress(raw)
        data = json.loads(raw)
    return data


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def main() -> int:
    assembly = load_assembly(pathlib.Path(sys.argv[1]))
    dist = pathlib.Path(sys.argv[2])
    python = assembly["targets"]["python"]
    module = python["module"]
    stem = normalize(python["distName"])
    version = assembly["version"]
    tarball = f"{assembly['name'].replace('@', '').replace('/', '-')}@{version}.jsii.tgz"
    package_dir = module.replace(".", "/")
    required = [f"{package_dir}/_jsii/__init__.py", f"{package_dir}/_jsii/{tarball}"]
    if assembly.get("types"):
        # jsii-pacmak writes no top-level module for an assembly without types.
        required += [f"{package_dir}/__init__.py", f"{package_dir}/py.typed"]

    wheels = list(dist.glob(f"{stem}-{version}-*.whl"))
    sdists = [
        p
        for p in dist.glob("*.tar.gz")
        if p.name[: -len(".tar.gz")].rpartition("-")[2] == version
        and normalize(p.name[: -len(".tar.gz")].rpartition("-")[0]) == stem
    ]
    problems = []
    if len(wheels) != 1:
        problems.append(f"expected one {stem}-{version}-*.whl in {dist}, found {[p.name for p in dist.iterdir()]}")
    if len(sdists) != 1:
        problems.append(f"expected one sdist for {stem} {version} in {dist}, found {[p.name for p in dist.iterdir()]}")
    if not problems:
        with zipfile.ZipFile(wheels[0]) as whl:
            names = set(whl.namelist())
        problems += [f"{wheels[0].name} lacks {f}" for f in required if f not in names]
        with tarfile.open(sdists[0]) as sdist:
            names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
        problems += [f"{sdists[0].name} lacks src/{f}" for f in required if f"src/{f}" not in names]
        problems += [f"{sdists[0].name} lacks {f}" for f in ("setup.py", "pyproject.toml", "README.md", "LICENSE") if f not in names]
    if problems:
        for problem in problems:
            print(f"check_dists: {problem}", file=sys.stderr)
        return 1
    for path in wheels + sdists:
        print(f"check_dists: {path.name} ({path.stat().st_size} bytes) OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
