"""The gates every profile is judged by, their default thresholds and the default advisory set, read once from
defaults.toml (data, beside the profiles; see that file for what each threshold measures and in which unit)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from profiles.errors import ProfileError

#: the defaults file; it lives among the profiles but is not one (the loader skips it)
DEFAULTS_FILE: Path = Path(__file__).resolve().parent / "defaults.toml"
_GATE_KEYS = {"name", "thresholds", "advisory"}


@dataclass(frozen=True)
class GateDefaults:
    """One gate as the defaults file lists it: its name, its thresholds' defaults, and whether it only advises."""

    name: str
    thresholds: Mapping[str, float]
    advisory: bool = False


def _gate(index: int, entry: Any) -> GateDefaults:
    """Return the validated entry `gate[index]` of the defaults file; raise ProfileError naming the field."""
    where = f"gate[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ProfileError(DEFAULTS_FILE, where, "expected a table with a name")
    unknown = sorted(set(entry) - _GATE_KEYS)
    if unknown:
        raise ProfileError(DEFAULTS_FILE, f"{where}.{unknown[0]}", "unknown field")
    thresholds = entry.get("thresholds", {})
    bad = [k for k, v in thresholds.items() if isinstance(v, bool) or not isinstance(v, (int, float))]
    if bad:
        raise ProfileError(DEFAULTS_FILE, f"{where}.thresholds.{bad[0]}", "expected a number")
    advisory = entry.get("advisory", False)
    if not isinstance(advisory, bool):
        raise ProfileError(DEFAULTS_FILE, f"{where}.advisory", "expected true or false")
    return GateDefaults(entry["name"], MappingProxyType({k: float(v) for k, v in thresholds.items()}), advisory)


def read_defaults(path: Path = DEFAULTS_FILE) -> tuple[GateDefaults, ...]:
    """Return the gates of defaults file `path` in priority order; raise ProfileError when a name or a threshold key
    appears twice."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    gates = tuple(_gate(i, entry) for i, entry in enumerate(data.get("gate", [])))
    names = [g.name for g in gates]
    keys = [k for g in gates for k in g.thresholds]
    for what, items in (("gate name", names), ("threshold", keys)):
        twice = sorted({x for x in items if items.count(x) > 1})
        if twice:
            raise ProfileError(path, "gate", f"{what} {twice[0]!r} is listed twice")
    return gates


GATES: tuple[GateDefaults, ...] = read_defaults()

#: every gate name, in the priority order the kiosk shows hints (fix the first failing one first)
GATE_NAMES: tuple[str, ...] = tuple(g.name for g in GATES)

#: default gate thresholds; their keys are the only names a profile's `[gates]` table may use
GATE_DEFAULTS: Mapping[str, float] = MappingProxyType({k: v for g in GATES for k, v in g.thresholds.items()})

#: gates that advise but do not block capture unless a profile says otherwise (`advisory_gates`)
DEFAULT_ADVISORY_GATES: frozenset[str] = frozenset(g.name for g in GATES if g.advisory)

#: the threshold keys each gate reads, by gate name
THRESHOLD_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType({g.name: tuple(g.thresholds) for g in GATES})
