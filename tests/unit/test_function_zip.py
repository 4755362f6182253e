"""The function zip, built exactly as cloudbuild.yaml's `package` step builds it, holds the product
only (main.py, the devplan package, requirements.txt) and runs from itself alone."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SHA = "test123"
FIRST_PARTY = {"devplan", "main"}


def package_script() -> str:
    """The step's script with Cloud Build's substitutions applied: $SHORT_SHA, and $$ → $."""
    steps = yaml.safe_load((ROOT / "cloudbuild.yaml").read_text(encoding="utf-8"))["steps"]
    (step,) = [s for s in steps if s.get("id") == "package"]
    assert step["entrypoint"] == "bash" and step["args"][0] == "-ceu"

    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        assert match.group(1) == "SHORT_SHA", f"the package step uses ${match.group(1)}: teach this test"
        return SHA

    return re.sub(r"\$\$|\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", substitute, step["args"][1])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """Build in a copy of what a Cloud Build checkout has (tooling, tests, bench, caches included);
    return (the zip, the unpacked zip)."""
    work = tmp_path_factory.mktemp("checkout")
    for name in ("functions", "shared", "tests", "bench"):
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns(".pytest_cache"))
    shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")
    stray = work / "shared" / "devplan" / "__pycache__"  # as a checkout that ran the unit tests has
    stray.mkdir(exist_ok=True)
    (stray / "runtime.cpython-311.pyc").write_bytes(b"")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        ["bash", "-ceu", package_script()], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    archive = work / "build" / f"devplan-{SHA}.zip"
    unpacked = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(archive) as z:
        z.extractall(unpacked)
    return archive, unpacked


def product_files() -> set[str]:
    source = ROOT / "shared" / "devplan"
    return {
        f"devplan/{p.relative_to(source).as_posix()}"
        for p in source.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def runtime_dependencies() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]


def test_the_zip_holds_main_requirements_and_the_whole_product_and_nothing_else(built):
    archive, _ = built
    names = {n for n in zipfile.ZipFile(archive).namelist() if not n.endswith("/")}
    assert {"devplan/messages/catalog/sv.yaml", "devplan/messages/catalog/en.yaml"} <= product_files()
    assert names == {"main.py", "requirements.txt"} | product_files()
    assert not [n for n in names if re.search(r"devplan_tools|^tests/|^bench/|__pycache__|\.pyc$", n)]


def test_requirements_are_the_runtime_dependencies(built):
    _, unpacked = built
    assert (unpacked / "requirements.txt").read_text().splitlines() == runtime_dependencies()


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _distribution_of(module: str) -> str | None:
    """The installed distribution that ships `module` (or the package it is in): google.* is one
    namespace shared by many distributions, so look for the module's own files."""
    parts = module.split(".")
    for depth in range(len(parts), 0, -1):
        wanted = {"/".join(parts[:depth]) + "/__init__.py", "/".join(parts[:depth]) + ".py"}
        for dist in importlib.metadata.packages_distributions().get(parts[0], []):
            if wanted & {f.as_posix() for f in importlib.metadata.distribution(dist).files or []}:
                return _canonical(dist)
    return None


def imported_modules(root: Path) -> set[str]:
    found = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # `from google.cloud import firestore` imports google.cloud.firestore
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {m for m in found if m.split(".")[0] not in sys.stdlib_module_names | FIRST_PARTY | {"__future__"}}


def test_the_zipped_code_imports_exactly_the_runtime_dependencies(built):
    _, unpacked = built
    providers = {m: _distribution_of(m) for m in imported_modules(unpacked)}
    assert None not in providers.values(), {m for m, d in providers.items() if d is None}
    declared = {_canonical(re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0]) for r in runtime_dependencies()}
    assert set(providers.values()) == declared


def test_main_imports_from_the_zip_alone_and_loads_no_tooling(built):
    _, unpacked = built
    # -I: no PYTHONPATH, no user site, no cwd; the venv's site-packages still come (with the
    # editable install's path to shared/ at their end), so the unpacked zip goes first.
    probe = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import main; "
        "print(json.dumps({n: getattr(m, '__file__', None) for n, m in sys.modules.items()"
        " if n.split('.')[0] in ('devplan', 'devplan_tools')}))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(unpacked)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=unpacked.parent,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert "devplan.runtime" in loaded
    assert not [n for n in loaded if n.split(".")[0] == "devplan_tools"]
    outside = {n: f for n, f in loaded.items() if f and not Path(f).resolve().is_relative_to(unpacked.resolve())}
    assert not outside
