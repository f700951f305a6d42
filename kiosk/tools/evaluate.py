"""`idphoto eval`: run the gates over a labelled folder and compare each gate with the labels that bear on it."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from capture.check import CheckResult
from capture.settings import SUBJECT_GATES
from profiles.model import Profile

#: label columns that say a photo is a good, frontal, plain subject (for the false-reject figure)
GOOD_PHOTO = {"frontal": "yes", "glasses": "none", "eyes_closed": "no", "mouth_open": "no", "hat": "no",
              "lighting": "even", "single_face": "yes"}


def _angle(row: Mapping[str, str], column: str, limit: float) -> bool | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    return abs(float(text)) > limit


def _yes(column: str, yes: str = "yes") -> Callable[[Mapping[str, str], Profile], bool | None]:
    def defect(row: Mapping[str, str], profile: Profile) -> bool | None:
        value = (row.get(column) or "").strip().lower()
        return None if not value else value == yes

    return defect


def _glare(row: Mapping[str, str], profile: Profile) -> bool | None:
    if not (row.get("glasses") or "").strip():
        return None
    note = (row.get("note") or "").lower()
    return "glare" in note or "reflection" in note


def _lighting(defects: set[str], known: set[str]) -> Callable[[Mapping[str, str], Profile], bool | None]:
    def defect(row: Mapping[str, str], profile: Profile) -> bool | None:
        value = (row.get("lighting") or "").strip().lower()
        return value in defects if value in known else None

    return defect


#: per gate: a function (label row, profile) -> True (the photo has the defect: the gate should fail),
#: False (it should pass) or None (the labels do not say)
LABEL_RULES: dict[str, Callable[[Mapping[str, str], Profile], bool | None]] = {
    "single_face": _yes("single_face", "no"),
    "yaw": lambda r, p: _angle(r, "yaw_deg", p.threshold("yaw_max_deg")),
    "pitch": lambda r, p: _angle(r, "pitch_deg", p.threshold("pitch_max_deg")),
    "roll": lambda r, p: _angle(r, "roll_deg", p.threshold("roll_max_deg")),
    "head_covering": _yes("hat"),
    "tinted_glasses": _yes("glasses", "sunglasses"),
    "eyes_open": _yes("eyes_closed"),
    "mouth_closed": _yes("mouth_open"),
    "glasses_glare": _glare,
    "ears_visible": _yes("ears_visible", "no"),
    "lighting_even": _lighting({"side"}, {"even", "side"}),
    "exposure": _lighting({"dark", "bright"}, {"even", "dark", "bright"}),
}


@dataclass
class Confusion:
    """Counts for one gate: positive = the photo has the defect (the gate should fail)."""

    tp: int = 0  # defect, gate failed
    fn: int = 0  # defect, gate passed (false accept)
    fp: int = 0  # no defect, gate failed (false reject)
    tn: int = 0
    unlabelled_fail: int = 0
    unlabelled_pass: int = 0

    def add(self, defect: bool | None, failed: bool) -> None:
        if defect is None:
            if failed:
                self.unlabelled_fail += 1
            else:
                self.unlabelled_pass += 1
        elif defect:
            self.tp += failed
            self.fn += not failed
        else:
            self.fp += failed
            self.tn += not failed

    @property
    def labelled(self) -> int:
        return self.tp + self.fn + self.fp + self.tn

    @property
    def accuracy(self) -> float | None:
        return (self.tp + self.tn) / self.labelled if self.labelled else None

    @property
    def false_reject_rate(self) -> float | None:
        n = self.fp + self.tn
        return self.fp / n if n else None

    @property
    def false_accept_rate(self) -> float | None:
        n = self.fn + self.tp
        return self.fn / n if n else None

    @property
    def balanced_accuracy(self) -> float | None:
        if not (self.tp + self.fn) or not (self.fp + self.tn):
            return None
        return ((self.tp / (self.tp + self.fn)) + (self.tn / (self.tn + self.fp))) / 2

    def to_dict(self) -> dict:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {"tp": self.tp, "fn": self.fn, "fp": self.fp, "tn": self.tn, "labelled": self.labelled,
                "accuracy": r(self.accuracy), "balanced_accuracy": r(self.balanced_accuracy),
                "false_reject_rate": r(self.false_reject_rate), "false_accept_rate": r(self.false_accept_rate),
                "unlabelled_fail": self.unlabelled_fail, "unlabelled_pass": self.unlabelled_pass}


@dataclass
class EvalReport:
    """Per-gate confusion counts plus the false-reject rate on good frontal photos."""

    profile: str
    photos: int = 0
    errors: int = 0
    gates: dict[str, Confusion] = field(default_factory=dict)
    good_photos: int = 0
    good_rejected_subject: int = 0  # good photos failing any subject gate
    good_rejected_any: int = 0  # good photos failing any gate at all
    good_failed_by_gate: dict[str, int] = field(default_factory=dict)  # which gates reject the good photos

    def to_dict(self) -> dict:
        return {"profile": self.profile, "photos": self.photos, "errors": self.errors,
                "good_photos": self.good_photos, "good_rejected_subject": self.good_rejected_subject,
                "good_rejected_any": self.good_rejected_any, "good_failed_by_gate": dict(self.good_failed_by_gate),
                "gates": {name: c.to_dict() for name, c in self.gates.items()}}


def read_labels(path: str | Path) -> list[dict[str, str]]:
    """Return the rows of a manifest CSV (must have a `file` column)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if rows and "file" not in rows[0]:
        raise ValueError(f"{path}: no 'file' column")
    return rows


def evaluate_labelled(rows: Iterable[Mapping[str, str]], results: Iterable[CheckResult], profile: Profile,
                      gate_names: Iterable[str]) -> EvalReport:
    """Return the EvalReport comparing check results with their label rows (paired in order)."""
    report = EvalReport(profile=profile.id, gates={name: Confusion() for name in gate_names})
    for row, result in zip(rows, results):
        report.photos += 1
        if result.error is not None:
            report.errors += 1
        failed = {name: (result.error is not None or not result.gates.get(name) or not result.gates[name].ok)
                  for name in report.gates}
        for name, confusion in report.gates.items():
            rule = LABEL_RULES.get(name)
            confusion.add(rule(row, profile) if rule else None, failed[name])
        if all((row.get(k) or "").strip().lower() == v for k, v in GOOD_PHOTO.items()):
            report.good_photos += 1
            report.good_rejected_subject += any(failed[n] for n in SUBJECT_GATES if n in failed)
            report.good_rejected_any += any(failed.values())
            for name, fail in failed.items():
                if fail:
                    report.good_failed_by_gate[name] = report.good_failed_by_gate.get(name, 0) + 1
    return report


def format_report(report: EvalReport) -> str:
    """Return the report as a plain-text table."""

    def pct(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    lines = [f"profile {report.profile}: {report.photos} photos, {report.errors} unreadable",
             f"{'gate':16} {'TP':>4} {'FN':>4} {'FP':>4} {'TN':>4} {'acc':>5} {'bal.acc':>7} {'FRR':>5} {'FAR':>5}"
             f" {'unlabelled fail/pass':>21}"]
    for name, c in report.gates.items():
        lines.append(f"{name:16} {c.tp:4} {c.fn:4} {c.fp:4} {c.tn:4} {pct(c.accuracy):>5} {pct(c.balanced_accuracy):>7}"
                     f" {pct(c.false_reject_rate):>5} {pct(c.false_accept_rate):>5} {c.unlabelled_fail:>10}/{c.unlabelled_pass}")
    if report.good_photos:
        lines.append(f"good frontal photos: {report.good_photos}; rejected by a subject gate: "
                     f"{report.good_rejected_subject} ({report.good_rejected_subject / report.good_photos:.1%}); "
                     f"by any gate: {report.good_rejected_any} ({report.good_rejected_any / report.good_photos:.1%})")
        ranked = sorted(report.good_failed_by_gate.items(), key=lambda kv: -kv[1])
        lines.append("good photos failed, by gate: " + ", ".join(f"{n} {c}" for n, c in ranked))
    return "\n".join(lines)


def format_held_out(report: EvalReport, held: Mapping, folds: int) -> str:
    """Return the held-out table (kiosk.tools.crossval) beside the in-sample balanced accuracy of each gate."""
    def pct(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    lines = [f"held out ({folds}-fold cross-validation of each threshold; see kiosk/crossval.py):",
             f"{'gate':16} {'rule':9} {'in-sample':>9} {'held-out':>8} {'FRR':>5} {'FAR':>5}  thresholds chosen"]
    for name, h in held.items():
        inside = report.gates[name].balanced_accuracy if name in report.gates else None
        chosen = ", ".join(f"{t:.3g}" for t in h.thresholds)
        lines.append(f"{name:16} {h.rule:9} {pct(inside):>9} {pct(h.balanced_accuracy):>8} "
                     f"{pct(h.false_reject_rate):>5} {pct(h.false_accept_rate):>5}  {chosen}")
    return "\n".join(lines)
