"""Gates: one pass/fail rule each, from measurements and a profile's thresholds, with a hint code for the student.

Each gate is declared once in `spec.GATE_SPECS` (priority order); `rules` holds how they judge a frame, `verdicts`
runs them all. Gate names are our public JSON interface. Threshold defaults and the default advisory set are data
in profiles/defaults.toml.
"""
from capture.gates.result import GateResult, Threshold
from capture.gates.rules import size_rule
from capture.gates.spec import (GATE_ORDER, GATE_SPECS, SPECS_BY_NAME, SUBJECT_GATES, Direction, GateSpec, LabelRule,
                                hint_codes)
from capture.gates.verdicts import VerdictMemo, blocking_ok, evaluate, first_failure

__all__ = [
    "GATE_ORDER",
    "GATE_SPECS",
    "SPECS_BY_NAME",
    "SUBJECT_GATES",
    "Direction",
    "GateResult",
    "GateSpec",
    "LabelRule",
    "Threshold",
    "VerdictMemo",
    "blocking_ok",
    "evaluate",
    "first_failure",
    "hint_codes",
    "size_rule",
]
