"""The `cdk-sfn-jobs` command that pip installs with the package.

jsii-pacmak turns package.json `bin` into a console script of the wheel; the real jsii runtime runs it by
installing the npm tarball shipped in `<module>/_jsii/` and executing the bin file itself, through a shell:
``subprocess.run(" ".join([command, *args]), shell=True)`` (jsii's python runtime, ``invokeBinScript``).
The jsii stand-in of this check only records that call, so the tests below do what the runtime does with the
tarball the installed wheel really ships: extract it and run its bin file the same way. They need `node`.

Run by .ci/python-check.sh after the wheel is installed into the venv.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import pathlib
import shutil
import stat
import subprocess
import sys
import tarfile
from typing import List

import pytest

NAME = "cdk-sfn-jobs"
MODULE = "cdk_sfn_jobs"
BIN = "lib/testing/cli.js"


def _tarball() -> pathlib.Path:
    jsii_dir = importlib.resources.files(f"{MODULE}._jsii")
    tarballs = [p for p in jsii_dir.iterdir() if p.name.endswith(".jsii.tgz")]
    assert len(tarballs) == 1, tarballs
    return pathlib.Path(str(tarballs[0]))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The package as the jsii kernel installs it: the tarball's `package/` under node_modules/<name>."""
    root = tmp_path_factory.mktemp("kernel")
    with tarfile.open(_tarball()) as tar:
        tar.extractall(root, filter="tar") if hasattr(tarfile, "data_filter") else tar.extractall(root)  # noqa: S202
    target = root / "node_modules" / NAME
    target.parent.mkdir(parents=True)
    (root / "package").rename(target)
    return target


def _run_like_jsii(installed: pathlib.Path, args: List[str], cwd: pathlib.Path) -> subprocess.CompletedProcess:
    # jsii's runtime: the command is the bin file's path; arguments are joined with spaces, unquoted, for a shell
    command = " ".join([str(installed / BIN), *args])
    return subprocess.run(command, shell=True, cwd=cwd, capture_output=True, encoding="utf-8", timeout=120)


def test_console_script_is_installed() -> None:
    script = shutil.which(NAME, path=os.path.dirname(sys.executable))
    assert script is not None, f"pip installed no {NAME} script next to {sys.executable}"
    text = pathlib.Path(script).read_text(encoding="utf-8")
    assert "invokeBinScript" in text and f'"{NAME}"' in text, text


def test_bin_file_is_executable_with_a_node_shebang() -> None:
    with tarfile.open(_tarball()) as tar:
        member = tar.getmember(f"package/{BIN}")
        assert member.mode & stat.S_IXUSR and member.mode & stat.S_IXGRP and member.mode & stat.S_IXOTH, oct(member.mode)
        first_line = tar.extractfile(member).readline()  # type: ignore[union-attr]
    assert first_line == b"#!/usr/bin/env node\n", first_line


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not on the PATH")
def test_help_exits_0(installed: pathlib.Path, tmp_path: pathlib.Path) -> None:
    result = _run_like_jsii(installed, ["--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: cdk-sfn-jobs run --definition FILE"), result.stdout


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not on the PATH")
def test_run_with_json_from_files(installed: pathlib.Path, tmp_path: pathlib.Path) -> None:
    # GIVEN a definition, an input with a null and a mock config, all in files
    definition = {
        "StartAt": "Job",
        "States": {
            "Job": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync", "ResultPath": "$.job", "End": True}
        },
    }
    mocks = {
        "StateMachines": {"Pipeline": {"TestCases": {"ok": {"Job": "Done"}}}},
        "MockedResponses": {"Done": {"0": {"Return": {"Status": "SUCCEEDED"}}}},
    }
    (tmp_path / "def.json").write_text(json.dumps(definition))
    (tmp_path / "input.json").write_text(json.dumps({"run": "r1", "keep": None}))
    (tmp_path / "mocks.json").write_text(json.dumps(mocks))
    # WHEN
    result = _run_like_jsii(installed, [
        "run", "--definition", "def.json", "--input-file", "input.json", "--mock-config", "mocks.json", "--test-case", "ok",
    ], tmp_path)
    # THEN
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["status"] == "SUCCEEDED"
    assert out["output"] == {"run": "r1", "keep": None, "job": {"Status": "SUCCEEDED"}}
    assert out["unusedMocks"] == []


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not on the PATH")
def test_inline_json_does_not_survive_the_shell(installed: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Why the README says --input-file: the runtime's unquoted join lets the shell eat the quotes."""
    (tmp_path / "def.json").write_text(json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
    result = _run_like_jsii(installed, ["run", "--definition", "def.json", "--input", '{"run":"r1"}'], tmp_path)
    assert result.returncode == 2
    assert "--input is not JSON" in result.stderr
