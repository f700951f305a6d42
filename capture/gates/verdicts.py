"""All gates on one frame: every verdict in priority order, whether capture may go ahead, and what to fix first."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Mapping

from capture.gates.result import GateResult
from capture.gates.spec import GATE_ORDER, GATE_SPECS
from capture.settings import ENGINE, EngineSettings
from profiles.model import Profile

if TYPE_CHECKING:
    from capture.measurements import Measurements


def evaluate(m: Measurements, profile: Profile, settings: EngineSettings = ENGINE, *,
             new_backdrop: bool = False) -> dict[str, GateResult]:
    """Return every gate's result for measurements `m` under `profile`, in priority order (advisory ones marked).
    `new_backdrop`: the picture will be made on a new backdrop (换底, the station's and replay's
    --replace-backdrop); the distance gate then counts the room it adds above the head (rules.backdrop_room_px)."""
    results = {}
    for spec in GATE_SPECS:
        result = spec.judge(m, profile, settings, new_backdrop)
        if profile.is_advisory(spec.name):
            result = replace(result, advisory=True)
        results[spec.name] = result
    return results


def blocking_ok(results: Mapping[str, GateResult]) -> bool:
    """Return True when no gate blocks capture (advisory gates may still fail)."""
    return not any(r.blocks for r in results.values())


def first_failure(results: Mapping[str, GateResult]) -> GateResult | None:
    """Return the gate to fix first: the highest-priority blocking failure, else the first failing advisory gate."""
    failing = [results[n] for n in GATE_ORDER if n in results and not results[n].ok]
    return next((r for r in failing if not r.advisory), failing[0] if failing else None)
