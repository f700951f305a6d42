"""All gates on one frame: every verdict in priority order, whether capture may go ahead, and what to fix first."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Mapping

from capture.gates.result import GateResult
from capture.gates.rules import families_read
from capture.gates.spec import GATE_ORDER, GATE_SPECS
from capture.settings import ENGINE, EngineSettings
from profiles.model import Profile

if TYPE_CHECKING:
    from capture.measurements import Measurements

#: per gate that reads one family: the families it reads (rules.families_read), worked out once
_READS: dict[str, tuple[str, ...] | None] = {spec.name: families_read(spec) for spec in GATE_SPECS}
#: per such gate, its last verdict and what it was reached on: (profile, settings, new_backdrop, family objects,
#: result). The live analyser carries the slow families (backdrop, light, ears, ...) over between full analyses as
#: the same objects, so their verdicts are looked up instead of judged again. Entries are whole tuples (replaced,
#: never changed), so a verdict is only reused for the very objects it was reached on.
_LAST: dict[str, tuple] = {}


def evaluate(m: Measurements, profile: Profile, settings: EngineSettings = ENGINE, *,
             new_backdrop: bool = False) -> dict[str, GateResult]:
    """Return every gate's result for measurements `m` under `profile`, in priority order (advisory ones marked).
    `new_backdrop`: the picture will be made on a new backdrop (换底, the station's and replay's
    --replace-backdrop); the distance gate then counts the room it adds above the head (rules.backdrop_room_px).
    A gate that reads one family gives the verdict it gave last time when that family is the same object (frozen)
    and the profile, settings and `new_backdrop` are the same: the same result, without judging again."""
    results = {}
    advisory = _advisory(profile)
    for spec in GATE_SPECS:
        reads = _READS[spec.name]
        if reads is not None:
            parts = tuple(getattr(m, family) for family in reads)
            last = _LAST.get(spec.name)
            if (last is not None and last[0] is profile and last[1] is settings and last[2] == new_backdrop
                    and all(a is b for a, b in zip(last[3], parts))):
                results[spec.name] = last[4]
                continue
        result = spec.judge(m, profile, settings, new_backdrop)
        if spec.name in advisory:
            result = replace(result, advisory=True)
        results[spec.name] = result
        if reads is not None:
            _LAST[spec.name] = (profile, settings, new_backdrop, parts, result)
    return results


#: the last profile asked about and its advisory gates (a profile is frozen: its set does not change)
_ADVISORY: tuple[Profile | None, frozenset[str]] = (None, frozenset())


def _advisory(profile: Profile) -> frozenset[str]:
    """Return the names of the gates that only advise under `profile` (Profile.is_advisory), worked out once for
    the profile the frames are judged by."""
    global _ADVISORY
    held, names = _ADVISORY
    if held is not profile:
        names = frozenset(spec.name for spec in GATE_SPECS if profile.is_advisory(spec.name))
        _ADVISORY = (profile, names)
    return names


def blocking_ok(results: Mapping[str, GateResult]) -> bool:
    """Return True when no gate blocks capture (advisory gates may still fail)."""
    return not any(r.blocks for r in results.values())


def first_failure(results: Mapping[str, GateResult]) -> GateResult | None:
    """Return the gate to fix first: the highest-priority blocking failure, else the first failing advisory gate."""
    failing = [results[n] for n in GATE_ORDER if n in results and not results[n].ok]
    return next((r for r in failing if not r.advisory), failing[0] if failing else None)
