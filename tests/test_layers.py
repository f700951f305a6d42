"""The rooms of the project and who may import whom, read from the source with ast (imports inside functions count
too, and so do imports under `if TYPE_CHECKING:`), plus the size limits: no module over 400 lines, no function over
60 lines except declarative tables.

Layers, lowest first:
- profiles/ (spec data) imports nothing from capture/ or kiosk/;
- capture/ (the engine) imports only profiles/ and capture/;
- kiosk/texts (every sentence) imports nothing from kiosk/ outside kiosk/texts, nor capture/;
- kiosk/store (records, identity, import, export) never imports the live station, the screens, the console, the
  commands or the tools;
- the live station (kiosk/station, kiosk/ui, kiosk/console) never imports kiosk/commands or kiosk/tools.
Native libraries stay in one room each:
- pygame: the screens (kiosk/ui); besides them only kiosk/station/sounds.py (sound cues play through pygame.mixer)
  and kiosk/tools/doctor.py (the self-test checks that a display and the mixer start);
- mediapipe: only capture/faces/landmarks.py;
- cv2.VideoCapture (opening cameras and videos): only capture/camera.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("capture", "kiosk", "profiles")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
#: functions allowed over MAX_FUNCTION_LINES that the "single return of a literal" rule does not catch, with why
LONG_FUNCTIONS_ALLOWED: dict[str, str] = {}


@dataclass(frozen=True)
class Import:
    """One import statement's target in one module."""

    module: str  # the importing module, dotted (kiosk.station.loop)
    target: str  # what it imports, dotted (capture.camera, or capture.camera.open_source for a from-import)
    line: int

    def __str__(self) -> str:
        return f"{_path_of(self.module)}:{self.line} imports {self.target}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _path_of(module: str) -> str:
    path = ROOT / Path(*module.split("."))
    return (path / "__init__.py" if path.is_dir() else path.with_suffix(".py")).relative_to(ROOT).as_posix()


@lru_cache(maxsize=None)
def _sources() -> tuple[tuple[Path, str, ast.Module], ...]:
    out = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                out.append((path, _module_name(path), ast.parse(path.read_text(encoding="utf-8"), str(path))))
    return tuple(out)


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """Return the dotted module a from-import reads from, relative imports resolved."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@lru_cache(maxsize=None)
def _imports() -> tuple[Import, ...]:
    out = []
    for path, module, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                out += [Import(module, alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(module, path.name == "__init__.py", node)
                out += [Import(module, f"{source}.{alias.name}", node.lineno) for alias in node.names]
    return tuple(out)


def _within(name: str, *rooms: str) -> bool:
    return any(name == room or name.startswith(room + ".") for room in rooms)


def _breaking(importers: tuple[str, ...], forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    return [str(i) for i in _imports()
            if _within(i.module, *importers) and _within(i.target, *forbidden) and not _within(i.target, *allowed)]


#: (importing rooms, rooms they must not import, exceptions inside those rooms)
LAYER_RULES = {
    "profiles is the bottom layer": (("profiles",), ("capture", "kiosk"), ()),
    "capture imports only profiles and itself": (("capture",), ("kiosk",), ()),
    "the live station never reaches for the commands or tools": (
        ("kiosk.station", "kiosk.ui", "kiosk.console"), ("kiosk.commands", "kiosk.tools"), ()),
    "texts import no other part of kiosk, nor capture": (("kiosk.texts",), ("kiosk", "capture"), ("kiosk.texts",)),
    "the store knows nothing of the station, screens, console, commands or tools": (
        ("kiosk.store",), ("kiosk.station", "kiosk.ui", "kiosk.console", "kiosk.commands", "kiosk.tools"), ()),
}


@pytest.mark.parametrize("rule", sorted(LAYER_RULES))
def test_import_directions(rule):
    importers, forbidden, allowed = LAYER_RULES[rule]
    assert _breaking(importers, forbidden, allowed) == []


def test_the_import_reader_sees_function_local_and_relative_imports():
    found = {(i.module, i.target) for i in _imports()}
    assert len(_sources()) > 50 and len(found) > 200
    # kiosk/commands/*.py import the engine inside `run` to keep start-up fast: those imports must be seen
    assert any(module.startswith("kiosk.commands.") and target.startswith("capture.") for module, target in found)
    tree = ast.parse("from .b import c\nfrom .. import d\n")
    assert _absolute("kiosk.station.loop", False, tree.body[0]) == "kiosk.station.b"
    assert _absolute("kiosk.station", True, tree.body[1]) == "kiosk"


#: native library → the modules (or packages) allowed to import it
NATIVE_ROOMS = {
    "pygame": ("kiosk.ui", "kiosk.station.sounds", "kiosk.tools.doctor"),
    "mediapipe": ("capture.faces.landmarks",),
}


@pytest.mark.parametrize("library", sorted(NATIVE_ROOMS))
def test_native_libraries_stay_in_their_room(library):
    outside = [str(i) for i in _imports() if _within(i.target, library) and not _within(i.module, *NATIVE_ROOMS[library])]
    assert outside == []


def test_only_capture_camera_opens_cameras_with_opencv():
    opened = []
    for path, module, tree in _sources():
        if _within(module, "capture.camera"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "VideoCapture":
                opened.append(f"{path.relative_to(ROOT)}:{node.lineno} uses VideoCapture")
    opened += [str(i) for i in _imports() if i.target == "cv2.VideoCapture" and not _within(i.module, "capture.camera")]
    assert opened == []


def test_no_module_is_over_the_line_limit():
    long = [f"{path.relative_to(ROOT)}: {n} lines" for path, _, _ in _sources()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert long == [], f"modules over {MAX_MODULE_LINES} lines"


def _is_declarative(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True for a table: a body (after its docstring) that is one `return` of a tuple, list, dict or set display."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return (len(body) == 1 and isinstance(body[0], ast.Return)
            and isinstance(body[0].value, (ast.Tuple, ast.List, ast.Dict, ast.Set)))


def _long_functions() -> list[str]:
    long = []
    for path, module, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            lines = node.end_lineno - node.lineno + 1
            name = f"{module}:{node.name}"
            if lines > MAX_FUNCTION_LINES and not _is_declarative(node) and name not in LONG_FUNCTIONS_ALLOWED:
                long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {lines} lines")
    return long


def test_no_function_is_over_the_line_limit():
    assert _long_functions() == [], f"functions over {MAX_FUNCTION_LINES} lines (not declarative tables)"


def test_the_declarative_exception_is_narrow():
    table = ast.parse("def t():\n    'doc'\n    return (\n" + "        1,\n" * 70 + "    )\n").body[0]
    logic = ast.parse("def f():\n" + "    x = 1\n" * 61 + "    return x\n").body[0]
    assert _is_declarative(table) and not _is_declarative(logic)
    assert all(reason.strip() for reason in LONG_FUNCTIONS_ALLOWED.values())
