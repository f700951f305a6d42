"""Load and validate profile TOML files into `Profile` objects, with errors that name file and field."""
from __future__ import annotations

import datetime as dt
import os
import re
import string
import tomllib
from pathlib import Path
from typing import Any, Iterable

from profiles.defaults import DEFAULTS_FILE, GATE_DEFAULTS, GATE_NAMES
from profiles.print_sizes import PRINT_SIZES_FILE
from profiles.errors import ProfileError
from profiles.model import Background, Band, Composition, Profile

DEFAULT_PROFILE_ID = "chsi-graduation"
#: environment variable with extra profile folders (os.pathsep separated), e.g. operators' own specs
PROFILE_DIRS_ENV = "IDPHOTO_PROFILE_DIRS"
NAMING_FIELDS = frozenset({"id", "profile", "date"})
FORMATS = frozenset({"jpeg"})
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
_TOP_KEYS = {"id", "purpose", "verified", "notes", "name", "output", "background", "composition", "gates", "naming",
             "source", "advisory_gates"}
_OUTPUT_KEYS = {"width_px", "height_px", "dpi", "format", "kb_min", "kb_max", "quality_min", "colour"}
#: the largest ΔE2000 tolerance a backdrop colour may have (beyond it, any light colour would pass)
BACKGROUND_DELTA_E_LIMIT = 30.0
_COMP_VERTICAL = ("hair_top", "eye_line", "head_height")


def builtin_profile_dir() -> Path:
    """Return the folder holding the profiles shipped with the package."""
    return Path(__file__).resolve().parent


class _Reader:
    """Typed access to one TOML table, raising ProfileError with the dotted field name."""

    def __init__(self, path: Path, table: dict[str, Any], prefix: str = "") -> None:
        self.path, self.table, self.prefix = path, table, prefix

    def _name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def fail(self, key: str, problem: str) -> ProfileError:
        return ProfileError(self.path, self._name(key), problem)

    def check_keys(self, allowed: Iterable[str]) -> None:
        unknown = sorted(set(self.table) - set(allowed))
        if unknown:
            raise self.fail(unknown[0], f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def get(self, key: str, kind: type | tuple[type, ...], required: bool = True, default: Any = None) -> Any:
        if key not in self.table:
            if required:
                raise self.fail(key, "missing")
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(key, f"expected {_kind_name(kinds)}, got true/false")
        if not isinstance(value, kinds):
            raise self.fail(key, f"expected {_kind_name(kinds)}, got {type(value).__name__} {value!r}")
        return value

    def number(self, key: str, lo: float, hi: float, required: bool = True, integer: bool = False) -> Any:
        value = self.get(key, int if integer else (int, float), required)
        if value is None:
            return None
        if not lo <= value <= hi:
            raise self.fail(key, f"{value} is outside {lo}..{hi}")
        return value

    def sub(self, key: str, required: bool = True) -> "_Reader":
        table = self.get(key, dict, required, default={})
        return _Reader(self.path, table, f"{self._name(key)}.")


def _kind_name(kinds: tuple[type, ...]) -> str:
    names = {int: "integer", float: "number", str: "text", list: "list", dict: "table", dt.date: "date"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _band(reader: _Reader, key: str, scale: int, limit: float) -> Band | None:
    """Read `key_px` or `key_ratio` (a [lo, hi] pair) into a Band in px; None when neither is given."""
    px_key, ratio_key = f"{key}_px", f"{key}_ratio"
    if px_key in reader.table and ratio_key in reader.table:
        raise reader.fail(px_key, f"give either {px_key} or {ratio_key}, not both")
    for name, factor, top in ((px_key, 1.0, limit), (ratio_key, float(scale), 1.0)):
        if name not in reader.table:
            continue
        pair = reader.get(name, list)
        if len(pair) != 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pair):
            raise reader.fail(name, "expected a pair of numbers [min, max]")
        lo, hi = float(pair[0]), float(pair[1])
        if not 0 <= lo <= hi <= top:
            raise reader.fail(name, f"expected 0 <= min <= max <= {top:g}, got [{lo:g}, {hi:g}]")
        return Band(lo * factor, hi * factor)
    return None


def _composition(reader: _Reader, width: int, height: int) -> Composition:
    allowed = {f"{k}_{u}" for k in (*_COMP_VERTICAL, "face_width") for u in ("px", "ratio")}
    allowed |= {"chin_max_px", "chin_max_ratio"}
    reader.check_keys(allowed)
    comp = Composition(
        hair_top=_band(reader, "hair_top", height, height),
        eye_line=_band(reader, "eye_line", height, height),
        face_width=_band(reader, "face_width", width, width),
        head_height=_band(reader, "head_height", height, height),
        chin_max=_chin_max(reader, height),
    )
    if comp.hair_top is None and comp.eye_line is None:
        raise reader.fail("eye_line_px", "needs a vertical anchor: hair_top or eye_line")
    if comp.face_width is None and comp.head_height is None:
        raise reader.fail("face_width_px", "needs a size rule: face_width or head_height")
    return comp


def _chin_max(reader: _Reader, height: int) -> float | None:
    if "chin_max_px" in reader.table:
        return float(reader.number("chin_max_px", 0, height))
    if "chin_max_ratio" in reader.table:
        return float(reader.number("chin_max_ratio", 0, 1)) * height
    return None


def _backgrounds(path: Path, items: Any) -> tuple[Background, ...]:
    if not isinstance(items, list) or not items:
        raise ProfileError(path, "background", "at least one [[background]] with name and rgb is required")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ProfileError(path, f"background[{i}]", "expected a table with name and rgb")
        r = _Reader(path, item, f"background[{i}].")
        r.check_keys({"name", "rgb", "delta_e_max"})
        rgb = r.get("rgb", list)
        if len(rgb) != 3 or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255 for v in rgb):
            raise r.fail("rgb", f"expected three integers 0..255, got {rgb!r}")
        tolerance = r.number("delta_e_max", 0.5, BACKGROUND_DELTA_E_LIMIT, required=False)
        name = r.get("name", str)
        if not name.strip() or name in {b.name for b in out}:
            raise r.fail("name", f"expected a name of its own, got {name!r}")
        out.append(Background(name, (rgb[0], rgb[1], rgb[2]), None if tolerance is None else float(tolerance)))
    return tuple(out)


def _gates(reader: _Reader) -> dict[str, float]:
    reader.check_keys(GATE_DEFAULTS.keys())
    # thresholds are magnitudes: reject negatives, nan and inf (nan would silently disable a gate)
    return {key: float(reader.number(key, 0, 1e6)) for key in reader.table}


def _naming(reader: _Reader) -> str:
    reader.check_keys({"template"})
    template = reader.get("template", str)
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as exc:
        raise reader.fail("template", f"not a valid template: {exc}") from None
    bad = sorted(fields - NAMING_FIELDS)
    if bad:
        raise reader.fail("template", f"unknown field {{{bad[0]}}} (allowed: {', '.join(sorted(NAMING_FIELDS))})")
    if "id" not in fields:
        raise reader.fail("template", "must contain {id} so every picture gets its own name")
    if "/" in template or "\\" in template or not template.lower().endswith((".jpg", ".jpeg")):
        raise reader.fail("template", "must be a plain file name ending in .jpg or .jpeg")
    return template


def _advisory(reader: _Reader) -> frozenset[str] | None:
    names = reader.get("advisory_gates", list, required=False)
    if names is None:
        return None
    unknown = [n for n in names if not isinstance(n, str) or n not in GATE_NAMES]
    if unknown:
        raise reader.fail("advisory_gates", f"unknown gate {unknown[0]!r} (gates: {', '.join(GATE_NAMES)})")
    return frozenset(names)


def parse_profile(path: Path, data: dict[str, Any]) -> Profile:
    """Return the validated Profile for parsed TOML `data` read from `path`; raise ProfileError."""
    top = _Reader(path, data)
    top.check_keys(_TOP_KEYS)
    pid = top.get("id", str)
    if not _ID_RE.fullmatch(pid):
        raise top.fail("id", "use lower-case letters, digits and '-' (2-41 characters)")
    name = top.sub("name")
    name.check_keys({"zh", "en"})
    out = top.sub("output")
    out.check_keys(_OUTPUT_KEYS)
    width = out.number("width_px", 32, 4000, integer=True)
    height = out.number("height_px", 32, 4000, integer=True)
    kb_min = out.number("kb_min", 0, 100_000)
    kb_max = out.number("kb_max", 0.5, 100_000)
    if kb_min > kb_max:
        raise out.fail("kb_min", f"kb_min {kb_min} is above kb_max {kb_max}")
    fmt = out.get("format", str).lower()
    if fmt not in FORMATS:
        raise out.fail("format", f"unsupported format {fmt!r} (supported: {', '.join(sorted(FORMATS))})")
    verified = top.get("verified", dt.date)
    if isinstance(verified, dt.datetime):
        verified = verified.date()
    source = top.sub("source")
    source.check_keys({"urls"})
    urls = source.get("urls", list)
    if not urls or not all(isinstance(u, str) and u.strip() for u in urls):
        raise source.fail("urls", "list at least one source (URL or document reference)")
    return Profile(
        id=pid,
        name_zh=name.get("zh", str),
        name_en=name.get("en", str),
        purpose=top.get("purpose", str),
        width_px=width,
        height_px=height,
        dpi=out.number("dpi", 72, 1200, integer=True),
        format=fmt,
        kb_min=float(kb_min),
        kb_max=float(kb_max),
        quality_min=out.number("quality_min", 1, 100, integer=True),
        backgrounds=_backgrounds(path, data.get("background")),
        composition=_composition(top.sub("composition"), width, height),
        gates=_gates(top.sub("gates", required=False)),
        naming=_naming(top.sub("naming")),
        sources=tuple(urls),
        verified=verified,
        notes=top.get("notes", str, required=False, default=""),
        path=path,
        advisory_gates=_advisory(top),
        colour=out.get("colour", bool, required=False, default=True),
    )


def load_profile(path: str | Path) -> Profile:
    """Return the Profile in TOML file `path`; raise ProfileError naming the file and field on any problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileError(path, "", f"cannot be read ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(path, "", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "", f"is not valid TOML: {exc}") from None
    return parse_profile(path, data)


def profile_dirs(extra_dirs: Iterable[str | Path] = ()) -> list[Path]:
    """Return the folders searched for profiles: built-in, then $IDPHOTO_PROFILE_DIRS, then `extra_dirs`."""
    dirs = [builtin_profile_dir()]
    env = os.environ.get(PROFILE_DIRS_ENV, "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    dirs += [Path(p) for p in extra_dirs]
    return dirs


def profile_files(folder: Path) -> list[Path]:
    """Return the profile files in `folder`, sorted: every *.toml file except the gates' defaults file (which lives
    among the built-in profiles but is not one)."""
    return [path for path in sorted(folder.glob("*.toml")) if path.resolve() not in (DEFAULTS_FILE, PRINT_SIZES_FILE)]


def load_profiles(extra_dirs: Iterable[str | Path] = ()) -> dict[str, Profile]:
    """Return all profiles by id. Later folders override earlier ones with the same id (operators' own specs)."""
    profiles: dict[str, Profile] = {}
    for folder in profile_dirs(extra_dirs):
        if not folder.is_dir():
            raise ProfileError(folder, "", "profile folder does not exist")
        seen: dict[str, Path] = {}
        for path in profile_files(folder):
            profile = load_profile(path)
            if profile.id in seen:
                raise ProfileError(path, "id", f"id {profile.id!r} is already used by {seen[profile.id]}")
            seen[profile.id] = path
            profiles[profile.id] = profile
    return dict(sorted(profiles.items()))


def get_profile(profile_id: str | None = None, extra_dirs: Iterable[str | Path] = ()) -> Profile:
    """Return the profile `profile_id` (default: the 学信网 graduation spec); raise ProfileError if unknown."""
    pid = profile_id or DEFAULT_PROFILE_ID
    profiles = load_profiles(extra_dirs)
    if pid not in profiles:
        raise ProfileError(pid, "id", f"no such profile (known: {', '.join(profiles)}); see `idphoto profiles`")
    return profiles[pid]
