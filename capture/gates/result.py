"""One gate's verdict on one frame, in the JSON form that is our public interface."""
from __future__ import annotations

from dataclasses import dataclass

#: what a value is held to: one limit, a (lo, hi) band, or nothing
Threshold = float | tuple[float, float] | None


@dataclass(frozen=True)
class GateResult:
    """One gate's verdict: measured value, the threshold it was held to, and the hint code for fixing it."""

    name: str
    ok: bool
    value: float | None
    threshold: Threshold
    hint: str  # hint code (kiosk.texts: "hint.CODE") saying how to fix it; meaningful when not ok
    unit: str = ""
    advisory: bool = False  # True: shown and reported, but does not block capture (see profiles/defaults.toml)

    @property
    def blocks(self) -> bool:
        """Return True when this result stops a capture (failed and not advisory)."""
        return not self.ok and not self.advisory

    def to_dict(self) -> dict:
        """Return the JSON form: {"ok", "value", "threshold", "hint", "unit", "advisory"}."""
        thr = list(self.threshold) if isinstance(self.threshold, tuple) else self.threshold
        value = None if self.value is None else round(float(self.value), 4)
        return {"ok": self.ok, "value": value, "threshold": thr, "hint": self.hint, "unit": self.unit,
                "advisory": self.advisory}
