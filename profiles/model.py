"""Typed profile objects. All positions are output pixels measured from the picture's top or left edge."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping

from profiles.defaults import DEFAULT_ADVISORY_GATES, GATE_DEFAULTS

@dataclass(frozen=True)
class Band:
    """A closed interval [lo, hi] in output pixels."""

    lo: float
    hi: float

    @property
    def mid(self) -> float:
        """Return the middle of the band, px."""
        return (self.lo + self.hi) / 2

    def contains(self, value: float, slack: float = 0.0) -> bool:
        """Return True when `value` (px) lies in the band, widened by `slack` px on both sides."""
        return self.lo - slack <= value <= self.hi + slack

    def as_list(self) -> list[float]:
        return [self.lo, self.hi]


@dataclass(frozen=True)
class Background:
    """An allowed background colour and how far (CIEDE2000) a measured backdrop may be from it."""

    name: str
    rgb: tuple[int, int, int]
    #: this colour's own tolerance, ΔE2000; None = the profile's `background_delta_e_max` (defaults.toml)
    delta_e_max: float | None = None


@dataclass(frozen=True)
class Composition:
    """Where the head must sit in the picture (bands in output px; None = no rule)."""

    hair_top: Band | None = None  # top of the hair (crown), from the top edge
    eye_line: Band | None = None  # line through the eye centres, from the top edge
    face_width: Band | None = None  # cheek to cheek
    head_height: Band | None = None  # crown to chin
    chin_max: float | None = None  # chin no lower than this, from the top edge


@dataclass(frozen=True)
class Profile:
    """One photo spec, validated."""

    id: str
    name_zh: str
    name_en: str
    purpose: str
    width_px: int
    height_px: int
    dpi: int
    format: str
    kb_min: float
    kb_max: float
    quality_min: int
    backgrounds: tuple[Background, ...]
    composition: Composition
    gates: Mapping[str, float]
    naming: str
    sources: tuple[str, ...]
    verified: dt.date
    notes: str
    path: Path | None = field(default=None, compare=False)
    advisory_gates: frozenset[str] | None = None  # None = the default set (defaults.toml)
    colour: bool = True  # the spec wants a colour picture (24-bit colour); a greyscale photo is refused

    def background_tolerance(self, background: Background) -> float:
        """Return the ΔE2000 a backdrop may be from `background`: the colour's own `delta_e_max`, else the
        profile's `background_delta_e_max` threshold (its override or the default)."""
        if background.delta_e_max is not None:
            return background.delta_e_max
        return self.threshold("background_delta_e_max")

    def is_advisory(self, gate: str) -> bool:
        """Return True when gate `gate` only advises under this profile (it does not block capture)."""
        return gate in self._advisory()

    def _advisory(self) -> frozenset[str]:
        return frozenset(DEFAULT_ADVISORY_GATES if self.advisory_gates is None else self.advisory_gates)

    def with_advisory(self, gates: Iterable[str]) -> "Profile":
        """Return this profile with `gates` advisory too (an operator's override for one student)."""
        return replace(self, advisory_gates=self._advisory() | frozenset(gates))

    def threshold(self, key: str) -> float:
        """Return the gate threshold `key`: the profile's override or the default (defaults.toml)."""
        if key in self.gates:
            return self.gates[key]
        return GATE_DEFAULTS[key]

    @property
    def aspect(self) -> float:
        """Return width / height."""
        return self.width_px / self.height_px

    def to_dict(self) -> dict:
        """Return a JSON-ready dict of the profile (bands as [lo, hi] px)."""
        comp = self.composition
        return {
            "id": self.id,
            "name": {"zh": self.name_zh, "en": self.name_en},
            "purpose": self.purpose,
            "width_px": self.width_px,
            "height_px": self.height_px,
            "dpi": self.dpi,
            "format": self.format,
            "kb_min": self.kb_min,
            "kb_max": self.kb_max,
            "quality_min": self.quality_min,
            "colour": self.colour,
            "backgrounds": [{"name": b.name, "rgb": list(b.rgb), "delta_e_max": self.background_tolerance(b)}
                            for b in self.backgrounds],
            "composition": {
                "hair_top_px": comp.hair_top.as_list() if comp.hair_top else None,
                "eye_line_px": comp.eye_line.as_list() if comp.eye_line else None,
                "face_width_px": comp.face_width.as_list() if comp.face_width else None,
                "head_height_px": comp.head_height.as_list() if comp.head_height else None,
                "chin_max_px": comp.chin_max,
            },
            "gates": dict(self.gates),
            "advisory_gates": sorted(self.advisory_gates) if self.advisory_gates is not None else None,
            "naming": self.naming,
            "sources": list(self.sources),
            "verified": self.verified.isoformat(),
            "notes": self.notes,
            "path": str(self.path) if self.path else None,
        }
