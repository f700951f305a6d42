"""All gates on one frame: every verdict in priority order, whether capture may go ahead, and what to fix first."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
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


@dataclass
class VerdictMemo:
    """The last verdicts of one stream of frames (the live analyser's): the owner of the stream keeps one and hands
    it to every `evaluate` call. The live analyser carries the slow families (backdrop, light, ears, ...) over
    between full analyses as the same frozen objects, so a gate that reads only such a family is looked up instead of
    judged again. Entries are whole tuples, replaced and never changed: a verdict is reused only for the very
    objects it was reached on."""

    #: gate → (profile, settings, new_backdrop, the family objects read, result)
    last: dict[str, tuple] = field(default_factory=dict)
    #: the profile last asked about and its advisory gates (a profile is frozen: its set does not change)
    advisory: tuple[Profile | None, frozenset[str]] = (None, frozenset())

    def advisory_gates(self, profile: Profile) -> frozenset[str]:
        """Return the names of the gates that only advise under `profile`, worked out once per profile."""
        held, names = self.advisory
        if held is not profile:
            names = _advisory(profile)
            self.advisory = (profile, names)
        return names


def _advisory(profile: Profile) -> frozenset[str]:
    return frozenset(spec.name for spec in GATE_SPECS if profile.is_advisory(spec.name))


def evaluate(m: Measurements, profile: Profile, settings: EngineSettings = ENGINE, *,
             new_backdrop: bool = False, memo: VerdictMemo | None = None) -> dict[str, GateResult]:
    """Return every gate's result for measurements `m` under `profile`, in priority order (advisory ones marked).
    `new_backdrop`: the picture will be made on a new backdrop (换底, the station's and replay's
    --replace-backdrop); the distance gate then counts the room it adds above the head (rules.backdrop_room_px).
    `memo`: the stream's VerdictMemo (live frames); a gate that reads one family then gives the verdict it gave last
    time when that family is the same object and the profile, settings and `new_backdrop` are the same: the same
    result, without judging again. Without it every gate is judged."""
    results = {}
    advisory = memo.advisory_gates(profile) if memo is not None else _advisory(profile)
    for spec in GATE_SPECS:
        reads = _READS[spec.name] if memo is not None else None
        if reads is not None:
            parts = tuple(getattr(m, family) for family in reads)
            last = memo.last.get(spec.name)
            if (last is not None and last[0] is profile and last[1] is settings and last[2] == new_backdrop
                    and all(a is b for a, b in zip(last[3], parts))):
                results[spec.name] = last[4]
                continue
        result = spec.judge(m, profile, settings, new_backdrop)
        if spec.name in advisory:
            result = replace(result, advisory=True)
        results[spec.name] = result
        if reads is not None:
            memo.last[spec.name] = (profile, settings, new_backdrop, parts, result)
    return results


def blocking_ok(results: Mapping[str, GateResult]) -> bool:
    """Return True when no gate blocks capture (advisory gates may still fail)."""
    return not any(r.blocks for r in results.values())


def first_failure(results: Mapping[str, GateResult]) -> GateResult | None:
    """Return the gate to fix first: the highest-priority blocking failure, else the first failing advisory gate."""
    failing = [results[n] for n in GATE_ORDER if n in results and not results[n].ok]
    return next((r for r in failing if not r.advisory), failing[0] if failing else None)
