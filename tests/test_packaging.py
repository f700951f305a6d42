"""`pip install .` (not editable) gives a working package: every module and data file of capture/, kiosk/ and
profiles/ is in what setuptools builds from pyproject.toml.

The build runs offline on a copy of the source (so the worktree gets no build/ or .egg-info folders), with the
venv's own setuptools. If the `wheel` package is there, a real wheel is built and its file list read; without it
(setuptools < 70 needs it for wheels) setuptools' build_py is run, which lays out exactly the files a wheel packs.
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("capture", "kiosk", "profiles")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def _source_files() -> set[str]:
    """Return every file of the three packages, as paths relative to the project root (the layout in a wheel)."""
    out = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                out.add(path.relative_to(ROOT).as_posix())
    return out


def _built_files(tmp: Path) -> set[str]:
    """Build the project from a copy in `tmp`; return the files of the three packages in what was built."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, src / package, ignore=_SKIP)
    out = tmp / "out"
    out.mkdir()
    if importlib.util.find_spec("wheel") is not None:
        code = "import sys; from setuptools import build_meta; build_meta.build_wheel(sys.argv[1])"
        subprocess.run([sys.executable, "-c", code, str(out)], cwd=src, check=True, capture_output=True, timeout=120)
        (wheel,) = out.glob("*.whl")
        names = zipfile.ZipFile(wheel).namelist()
    else:
        code = "from setuptools import setup; setup()"
        subprocess.run([sys.executable, "-c", code, "build_py", "--build-lib", str(out)], cwd=src, check=True,
                       capture_output=True, timeout=120)
        names = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    return {n for n in names if n.split("/")[0] in PACKAGES}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> set[str]:
    return _built_files(tmp_path_factory.mktemp("build"))


def test_every_folder_with_python_files_is_a_package_in_the_build(built):
    source = _source_files()
    folders = {path.rsplit("/", 1)[0] for path in source if path.endswith(".py")}
    assert folders, "no packages found: the test looks in the wrong place"
    not_packages = sorted(f for f in folders if f"{f}/__init__.py" not in source)
    assert not not_packages, f"folders with .py files but no __init__.py (setuptools skips them): {not_packages}"
    missing = sorted(f for f in folders if f"{f}/__init__.py" not in built)
    assert not missing, f"packages missing from the build: {missing}"
    assert sorted(p for p in source if p.endswith(".py") and p not in built) == []


def test_profile_specs_and_every_data_file_are_in_the_build(built):
    specs = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "profiles").glob("*.toml"))
    assert len(specs) >= 10
    assert sorted(set(specs) - built) == []
    data = {p for p in _source_files() if not p.endswith(".py")}  # e.g. the demo camera's photo, once it moves in
    assert sorted(data - built) == [], "data files in the package folders that the build leaves out"


def test_the_console_script_points_at_a_function_in_the_build(built):
    import importlib
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, function = scripts["idphoto"].partition(":")
    assert module.replace(".", "/") + ".py" in built
    assert callable(getattr(importlib.import_module(module), function))
