"""Held-out accuracy of the gates: k-fold cross-validation of "pick the threshold on some photos, judge the rest".

The default thresholds (profiles/defaults.toml) were chosen by looking at the same labelled photos `idphoto eval`
scores them on, so its figures are in-sample and flatter the gates. Here, for every gate that is one threshold on its value,
the photos with a label for it are split into k folds (each fold keeps the share of defects); on k − 1 folds the
threshold with the best balanced accuracy is chosen, and the photos of the remaining fold are judged with it. The
counts over all k held-out folds estimate how the gate does on photos its threshold never saw.

Which side of the threshold fails is the gate's declared direction (capture.gates.GATE_SPECS): value ≤ threshold
passes ("at_most"), value ≥ threshold passes ("at_least"), or |value| ≤ threshold passes ("angle"). Gates declared
otherwise (a band, a count) are left out, and so is a gate whose direction does not reproduce every one of its
verdicts on these photos (another condition of the gate decided some of them, e.g. exposure's luminance band).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from capture.check import CheckResult
from capture.gates import SPECS_BY_NAME
from kiosk.tools.evaluate import Confusion
from profiles.model import Profile

#: how a gate's value turns into a "badness" score that fails above the threshold
_RULES: dict[str, Callable[[float], float]] = {
    "at_most": lambda v: v,
    "at_least": lambda v: -v,
    "angle": abs,
}
#: the cross-validation rule of each declared direction that is one threshold on the value
_RULE_OF_DIRECTION: dict[str, str] = {"at_most": "at_most", "at_least": "at_least", "abs_at_most": "angle"}


@dataclass
class HeldOut(Confusion):
    """Held-out counts for one gate (positive = the photo has the defect, so the gate should fail); the rates are
    Confusion's."""

    gate: str = ""
    rule: str = ""
    thresholds: list[float] = field(default_factory=list)  # chosen on each fold's training photos

    def to_dict(self) -> dict:
        counts = {k: v for k, v in super().to_dict().items() if not k.startswith("unlabelled")}
        return {"rule": self.rule, **counts, "thresholds": [round(t, 4) for t in self.thresholds]}


def rule_of_gate(gate: str) -> str | None:
    """Return the rule ("at_most", "at_least", "angle") of gate `gate`'s declared direction, or None when the gate
    is not one threshold on its value (or unknown)."""
    spec = SPECS_BY_NAME.get(gate)
    return None if spec is None else _RULE_OF_DIRECTION.get(spec.direction)


def reproduces(rule: str, verdicts: Iterable[tuple[float, float, bool]]) -> bool:
    """Return True when `rule` reproduces every (value, threshold, ok) verdict with a finite value and one numeric
    threshold, and there is at least one such verdict."""
    seen = [(v, t, ok) for v, t, ok in verdicts if math.isfinite(v) and isinstance(t, (int, float))]
    score = _RULES[rule]
    return bool(seen) and all((score(v) <= (-t if rule == "at_least" else t)) == ok for v, t, ok in seen)


def best_threshold(scores: list[float], defects: list[bool], current: float) -> float:
    """Return the score threshold (fail when score > threshold) with the best balanced accuracy on these photos;
    among equals, the one nearest `current`."""
    candidates = sorted(set(scores))
    cuts = [(a + b) / 2 for a, b in zip(candidates, candidates[1:])]
    cuts = [candidates[0] - 1e-9, *cuts, candidates[-1] + 1e-9] if candidates else [current]
    positives = sum(defects)
    negatives = len(defects) - positives
    best = (-1.0, 0.0, current)
    for cut in cuts:
        tp = sum(1 for s, d in zip(scores, defects) if d and s > cut)
        tn = sum(1 for s, d in zip(scores, defects) if not d and s <= cut)
        bal = ((tp / positives if positives else 0.0) + (tn / negatives if negatives else 0.0)) / 2
        key = (bal, -abs(cut - current))
        if key > best[:2]:
            best = (bal, -abs(cut - current), cut)
    return best[2]


def _folds(defects: list[bool], k: int, seed: int) -> list[int]:
    """Return a fold number per item, defects and non-defects each dealt round the folds in a shuffled order."""
    rng = random.Random(seed)
    fold = [0] * len(defects)
    for wanted in (True, False):
        items = [i for i, d in enumerate(defects) if d == wanted]
        rng.shuffle(items)
        for n, i in enumerate(items):
            fold[i] = n % k
    return fold


def cross_validate(rows: Iterable[Mapping[str, str]], results: Iterable[CheckResult], profile: Profile,
                   label_rules: Mapping[str, Callable], folds: int = 5, seed: int = 0) -> dict[str, HeldOut]:
    """Return the held-out counts per gate (see the module text); gates with fewer defects or non-defects than
    `folds`, or not decided by one threshold in their declared direction, are left out."""
    pairs = list(zip(rows, results))
    out: dict[str, HeldOut] = {}
    for gate, rule_of in label_rules.items():
        rule = rule_of_gate(gate)
        if rule is None:
            continue
        data = []
        for row, result in pairs:
            g = result.gates.get(gate) if result.error is None else None
            defect = rule_of(row, profile)
            if g is None or defect is None or g.value is None or not math.isfinite(float(g.value)):
                continue
            data.append((float(g.value), g.threshold, g.ok, defect))
        defects = [d for *_, d in data]
        if sum(defects) < folds or len(defects) - sum(defects) < folds:
            continue
        if not reproduces(rule, ((v, t, ok) for v, t, ok, _ in data)):
            continue
        score = _RULES[rule]
        current = float(data[0][1]) * (-1 if rule == "at_least" else 1)
        scores = [score(v) for v, *_ in data]
        fold_of = _folds(defects, folds, seed)
        held = HeldOut(gate=gate, rule=rule)
        for k in range(folds):
            train = [i for i in range(len(data)) if fold_of[i] != k]
            cut = best_threshold([scores[i] for i in train], [defects[i] for i in train], current)
            held.thresholds.append(-cut if rule == "at_least" else cut)
            for i in (i for i in range(len(data)) if fold_of[i] == k):
                held.add(defects[i], scores[i] > cut)
        out[gate] = held
    return out
