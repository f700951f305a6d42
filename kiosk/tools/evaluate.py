"""`idphoto eval`: run the gates over a labelled folder and compare each gate with the labels that bear on it."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Mapping

import numpy as np

from capture.check import CheckResult
from capture.gates import GATE_SPECS, SUBJECT_GATES, LabelRule
from profiles.model import Profile

#: label columns that say a photo is a good, frontal, plain subject (for the false-reject figure)
GOOD_PHOTO = {"frontal": "yes", "glasses": "none", "eyes_closed": "no", "mouth_open": "no", "hat": "no",
              "lighting": "even", "single_face": "yes"}


def _cell(row: Mapping[str, str], column: str) -> str:
    """Return a label cell, lower-cased, with the newer rows' `glasses = no` read as the older `none`."""
    value = (row.get(column) or "").strip().lower()
    return "none" if column == "glasses" and value == "no" else value


def label_defect(rule: LabelRule, row: Mapping[str, str], profile: Profile) -> bool | None:
    """Return True when label row `row` says the photo has the defect `rule` describes (the gate should fail), False
    when it says the photo is free of it, None when the labels do not say (see capture.gates.LabelRule); a rule that
    says nothing hands over to its fallback."""
    said = _own_label(rule, row, profile)
    if said is None and rule.fallback is not None:
        return label_defect(rule.fallback, row, profile)
    return said


def _own_label(rule: LabelRule, row: Mapping[str, str], profile: Profile) -> bool | None:
    """Return what `rule` itself (not its fallback) reads in `row`: True defect, False none, None silent."""
    cell = (row.get(rule.column) or "").strip()
    if not cell:
        return None
    if rule.over_threshold is not None:
        return abs(float(cell)) > profile.threshold(rule.over_threshold)
    if rule.note_words:
        note = (row.get("note") or "").lower()
        return any(word in note for word in rule.note_words)
    value = cell.lower()
    if rule.known_values is not None and value not in rule.known_values:
        return None
    return value in rule.defect_values


#: per gate with a label rule (capture.gates.GATE_SPECS, priority order): a function (label row, profile) -> True
#: (the photo has the defect: the gate should fail), False (it should pass) or None (the labels do not say)
LABEL_RULES: dict[str, Callable[[Mapping[str, str], Profile], bool | None]] = {
    spec.name: partial(label_defect, spec.label) for spec in GATE_SPECS if spec.label is not None
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


#: ground-truth angle columns and the gate measuring each (same sign convention: see capture.gates.spec)
POSE_AXES: tuple[tuple[str, str], ...] = (("yaw_deg", "yaw"), ("pitch_deg", "pitch"), ("roll_deg", "roll"))
#: rows whose every |angle| is at most this are "near frontal" for the pose-error figure, degrees
NEAR_FRONTAL_MAX_DEG = 20.0
#: the combined pose row: every |angle| ≤ FRONTAL must pass yaw + pitch + roll, any |angle| ≥ TURNED must fail one
POSE_FRONTAL_MAX_DEG = 5.0
POSE_TURNED_MIN_DEG = 12.0
#: good ID-style portraits (the false-reject goal): these file prefixes, labelled frontal with no closed eyes, open
#: mouth, hat or tinted lenses (clear glasses are fine)
ID_STYLE_PREFIXES: tuple[str, ...] = ("frl_london__", "jp_glasses__")
ID_STYLE_GOOD = {"frontal": "yes", "eyes_closed": "no", "mouth_open": "no", "hat": "no"}
TINTED_LENSES = ("sunglasses", "tinted")


def truth_angles(row: Mapping[str, str]) -> tuple[float, float, float] | None:
    """Return the row's ground-truth (yaw, pitch, roll) in degrees, or None unless all three are given."""
    try:
        return tuple(float(row[col]) for col, _ in POSE_AXES)  # type: ignore[return-value]
    except (KeyError, TypeError, ValueError):
        return None


def pose_defect(angles: tuple[float, ...]) -> bool | None:
    """Return True (clearly turned: the pose gates must fail), False (clearly frontal: they must pass) or None (the
    band between, not scored) for ground-truth angles in degrees."""
    worst = max(abs(a) for a in angles)
    if worst >= POSE_TURNED_MIN_DEG:
        return True
    return False if worst <= POSE_FRONTAL_MAX_DEG else None


def is_id_style_good(row: Mapping[str, str]) -> bool:
    """Return True for a good ID-style portrait row (see ID_STYLE_PREFIXES)."""
    name = Path(row.get("file") or "").name
    if not name.startswith(ID_STYLE_PREFIXES):
        return False
    if (row.get("glasses") or "").strip().lower() in TINTED_LENSES:
        return False
    return all((row.get(k) or "").strip().lower() == v for k, v in ID_STYLE_GOOD.items())


@dataclass
class PoseError:
    """The error of the measured pose angles against the ground truth (measured − truth), degrees per axis: mean
    absolute, mean (bias), standard deviation and 90th percentile of the absolute error."""

    photos: int = 0  # rows with all three angles and a measured pose
    unmeasured: int = 0  # rows with all three angles but no measured pose (no face found, unreadable)
    errors: dict[str, list[float]] = field(default_factory=lambda: {col: [] for col, _ in POSE_AXES})

    def add(self, truth: tuple[float, ...], measured: tuple[float | None, ...]) -> None:
        if any(v is None for v in measured):
            self.unmeasured += 1
            return
        self.photos += 1
        for (col, _), t, v in zip(POSE_AXES, truth, measured):
            self.errors[col].append(float(v) - t)

    def to_dict(self) -> dict:
        def per_axis(stat: Callable[[np.ndarray], float]) -> dict[str, float | None]:
            return {col: (round(float(stat(np.asarray(e))), 2) if e else None) for col, e in self.errors.items()}

        return {"photos": self.photos, "unmeasured": self.unmeasured,
                "mae_deg": per_axis(lambda e: np.abs(e).mean()), "bias_deg": per_axis(np.mean),
                "sd_deg": per_axis(np.std), "p90_abs_deg": per_axis(lambda e: np.percentile(np.abs(e), 90))}


@dataclass
class EvalReport:
    """Per-gate confusion counts plus the false-reject rate on good frontal photos, the pose error against ground
    truth, the combined pose row, and the false-reject rate of good ID-style portraits."""

    profile: str
    photos: int = 0
    errors: int = 0
    gates: dict[str, Confusion] = field(default_factory=dict)
    good_photos: int = 0
    good_rejected_subject: int = 0  # good photos failing any subject gate
    good_rejected_any: int = 0  # good photos failing any gate at all
    good_failed_by_gate: dict[str, int] = field(default_factory=dict)  # which gates reject the good photos
    pose: Confusion = field(default_factory=Confusion)  # yaw + pitch + roll together against the angles
    pose_error: dict[str, PoseError] = field(default_factory=lambda: {"all": PoseError(), "near_frontal": PoseError()})
    id_style_photos: int = 0  # good ID-style portraits (is_id_style_good)
    id_style_rejected: int = 0  # of them, refused by a blocking subject gate (or not readable at all)
    id_style_failed_by_gate: dict[str, int] = field(default_factory=dict)  # blocking subject gates refusing them

    @property
    def id_style_false_reject_rate(self) -> float | None:
        return self.id_style_rejected / self.id_style_photos if self.id_style_photos else None

    def to_dict(self) -> dict:
        frr = self.id_style_false_reject_rate
        return {"profile": self.profile, "photos": self.photos, "errors": self.errors,
                "good_photos": self.good_photos, "good_rejected_subject": self.good_rejected_subject,
                "good_rejected_any": self.good_rejected_any, "good_failed_by_gate": dict(self.good_failed_by_gate),
                "gates": {name: c.to_dict() for name, c in self.gates.items()},
                "pose": self.pose.to_dict(),
                "pose_error": {name: e.to_dict() for name, e in self.pose_error.items()},
                "id_style": {"photos": self.id_style_photos, "rejected": self.id_style_rejected,
                             "false_reject_rate": None if frr is None else round(frr, 4),
                             "failed_by_gate": dict(self.id_style_failed_by_gate)}}


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
        if all(_cell(row, k) == v for k, v in GOOD_PHOTO.items()):
            report.good_photos += 1
            report.good_rejected_subject += any(failed[n] for n in SUBJECT_GATES if n in failed)
            report.good_rejected_any += any(failed.values())
            for name, fail in failed.items():
                if fail:
                    report.good_failed_by_gate[name] = report.good_failed_by_gate.get(name, 0) + 1
        _add_pose(report, row, result)
        if is_id_style_good(row):
            _add_id_style(report, result)
    return report


def _add_pose(report: EvalReport, row: Mapping[str, str], result: CheckResult) -> None:
    """Add a row with all three ground-truth angles to the pose error and the combined pose row."""
    truth = truth_angles(row)
    if truth is None:
        return
    gates = [result.gates.get(gate) if result.error is None else None for _, gate in POSE_AXES]
    measured = tuple(g.value if g is not None else None for g in gates)
    report.pose_error["all"].add(truth, measured)
    if max(abs(a) for a in truth) <= NEAR_FRONTAL_MAX_DEG:
        report.pose_error["near_frontal"].add(truth, measured)
    report.pose.add(pose_defect(truth), not all(g is not None and g.ok for g in gates))


def _add_id_style(report: EvalReport, result: CheckResult) -> None:
    """Count a good ID-style portrait, and which blocking subject gates refuse it ("unreadable": no verdicts)."""
    report.id_style_photos += 1
    if result.error is not None:
        refusing = ["unreadable"]
    else:
        refusing = [n for n in SUBJECT_GATES if n in result.gates and result.gates[n].blocks]
    report.id_style_rejected += bool(refusing)
    for name in refusing:
        report.id_style_failed_by_gate[name] = report.id_style_failed_by_gate.get(name, 0) + 1


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
    return "\n".join(lines + _pose_lines(report) + _id_style_lines(report))


def _pose_lines(report: EvalReport) -> list[str]:
    """Return the combined pose row and the mean absolute angle error lines (nothing without angle labels)."""
    c = report.pose
    if not c.labelled and not report.pose_error["all"].photos:
        return []
    bal = "–" if c.balanced_accuracy is None else f"{c.balanced_accuracy:.2f}"
    lines = [f"pose (yaw+pitch+roll; frontal = every angle ≤ {POSE_FRONTAL_MAX_DEG:g}° must pass, turned = any "
             f"≥ {POSE_TURNED_MIN_DEG:g}° must fail): TP {c.tp} FN {c.fn} FP {c.fp} TN {c.tn}, bal.acc {bal}, "
             f"{c.unlabelled_fail + c.unlabelled_pass} in between not scored"]
    for name, e in report.pose_error.items():
        d = e.to_dict()
        mae = ", ".join(f"{k[:-4]} {'–' if v is None else f'{v:.1f}°'}" for k, v in d["mae_deg"].items())
        spread = ", ".join(f"{k[:-4]} {'–' if b is None else f'{b:+.1f}° / {sd:.1f}°'}"
                           for (k, b), sd in zip(d["bias_deg"].items(), d["sd_deg"].values()))
        lines.append(f"pose error ({name}): {e.photos} photos ({e.unmeasured} unmeasured); mean absolute {mae}; "
                     f"bias / SD {spread}")
    return lines


def _id_style_lines(report: EvalReport) -> list[str]:
    """Return the false-reject line of good ID-style portraits (nothing when there are none)."""
    if not report.id_style_photos:
        return []
    ranked = sorted(report.id_style_failed_by_gate.items(), key=lambda kv: -kv[1])
    return [f"good ID-style portraits: {report.id_style_photos}; refused by a blocking subject gate: "
            f"{report.id_style_rejected} ({report.id_style_false_reject_rate:.1%})"
            + (" — " + ", ".join(f"{n} {c}" for n, c in ranked) if ranked else "")]


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
