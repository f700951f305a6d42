"""`idphoto replay --plot`: the replay's timeline as one picture, read at a glance.

Rows are the gates in priority order (advisory ones marked "(a)"), columns the seconds of the recording: green when
the gate passed on every frame of that second, amber when on some, red when on none, grey without a face. A strip on
top shows the kiosk's state; thin ticks mark each change of the hint on screen; a blue line marks the filed frame.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from kiosk.tools.replay_report import FAIL, MIXED, PASS, Second

COLOURS = {PASS: (0.30, 0.69, 0.31), MIXED: (1.00, 0.70, 0.00), FAIL: (0.90, 0.22, 0.21), "-": (0.85, 0.85, 0.85)}
STATE_COLOURS = {"idle": (0.85, 0.85, 0.85), "identify": (0.75, 0.75, 0.95), "guide": (0.55, 0.75, 0.95),
                 "countdown": (0.20, 0.45, 0.85), "review": (0.30, 0.69, 0.31), "saved": (0.30, 0.69, 0.31),
                 "error": (0.90, 0.22, 0.21), "not_ready": (0.45, 0.45, 0.45)}


def save_plot(path: str | Path, seconds: Sequence[Second], summary: dict, hint_change_s: Sequence[float]) -> None:
    """Write the timeline of `seconds` (with the summary's title facts, the hint changes and the capture) as a PNG
    at `path`."""
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    names = list(seconds[0].gates) if seconds else []
    advisory = frozenset().union(*(s.advisory for s in seconds)) if seconds else frozenset()
    grid = np.array([[COLOURS[s.gates[n]] for s in seconds] for n in names]) if names else np.zeros((1, 1, 3))
    states = np.array([[STATE_COLOURS.get(s.state, (1, 1, 1)) for s in seconds]])
    width = min(18.0, max(8.0, 0.12 * len(seconds) + 3))
    fig, (top, ax) = plt.subplots(2, 1, figsize=(width, 0.32 * len(names) + 2.6), sharex=True,
                                  gridspec_kw={"height_ratios": [1, max(1, len(names))]})
    end = len(seconds)
    top.imshow(states, aspect="auto", extent=(0, end, 0, 1), interpolation="nearest")
    top.set_yticks([0.5], ["state"])
    ax.imshow(grid, aspect="auto", extent=(0, end, len(names), 0), interpolation="nearest")
    ax.set_yticks(np.arange(len(names)) + 0.5, [f"{n} (a)" if n in advisory else n for n in names], fontsize=8)
    for t in hint_change_s:
        for axis in (top, ax):
            axis.axvline(t, color="black", linewidth=0.6, alpha=0.6)
    if summary.get("captured_at_s") is not None:
        for axis in (top, ax):
            axis.axvline(summary["captured_at_s"], color="#1565c0", linewidth=2.5)
    ax.set_xlabel("recording time, s (black ticks: the hint changed; blue line: the filed frame)")
    captured = summary.get("captured_at_s")
    outcome = f"captured frame {summary['captured_frame']} at {captured:.1f} s" if captured is not None \
        else "no capture"
    fit = "camera fits" if summary.get("camera_fits_profile") else "CAMERA TOO SMALL for this profile"
    top.set_title(f"{summary.get('profile')}{' + new backdrop' if summary.get('replace_backdrop') else ''}, "
                  f"{summary.get('frame_size')}: {fit}; {outcome}; "
                  f"{summary.get('hint_changes_per_min', 0):.1f} hint changes/min", fontsize=10)
    legend = [Patch(color=COLOURS[k], label=label) for k, label in
              ((PASS, "passed"), (MIXED, "passed on some frames"), (FAIL, "failed"), ("-", "no face"))]
    legend += [Patch(color=STATE_COLOURS[k], label=f"state: {k}") for k in
               sorted({s.state for s in seconds}) if k in STATE_COLOURS]
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(8, len(legend)),
              fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
