"""Accepting a picture over a failed gate (GA 461 allows religious headwear; hearing aids, glasses that cannot come
off): the reasons an operator may give and the gates each one lets advise instead of block (declared once, here),
the action the station carries out, and the console page that offers them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

__all__ = ["OVERRIDE_REASONS", "AcceptOverride", "OverridePage", "override_record"]

#: reason code -> the gates it makes advisory for one session (kiosk.texts "op_override_reason_<code>" words it)
OVERRIDE_REASONS: dict[str, tuple[str, ...]] = {
    "religious_headwear": ("head_covering", "ears_visible"),
    "hearing_aid": ("ears_visible",),
    "glasses_fixed": ("glasses_glare", "tinted_glasses"),
    "staff_confirmed": ("head_covering", "ears_visible", "glasses_glare", "tinted_glasses"),
}


@dataclass(frozen=True)
class AcceptOverride:
    """Let `gates` only advise for the student now at the guide screen, for `reason`, on `operator`'s word."""

    reason: str  # a key of OVERRIDE_REASONS
    gates: tuple[str, ...]
    operator: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the form filed in the attempt's gates JSON ("override" key) and the export's report."""
        return {"gates": list(self.gates), "reason": self.reason, "operator": self.operator or None}


def override_record(gates: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """Return the override filed in an attempt's gates JSON, or None when there was none."""
    found = (gates or {}).get("override")
    return found if isinstance(found, Mapping) else None


class OverridePage:
    """The console's "override" page (a mixin of OperatorConsole): one button per reason."""

    operator: str

    def _on_override(self, action: str) -> list:
        """`override:<reason>` asks the station to accept over those gates; `back` returns to the queue."""
        if action == "back":
            self._go("queue")  # type: ignore[attr-defined]
        elif action.startswith("override:") and action[9:] in OVERRIDE_REASONS:
            reason = action[9:]
            self._say("op_override_asked")  # type: ignore[attr-defined]
            return [AcceptOverride(reason, OVERRIDE_REASONS[reason], self.operator)]
        return []
