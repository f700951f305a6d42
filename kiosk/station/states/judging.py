"""Judging a newly analysed frame while guiding (shared by the guide and countdown states)."""
from __future__ import annotations

from kiosk.station.states.context import Context
from kiosk.station.worker import AnalysedFrame


def judge_new_frame(ctx: Context, analysed: AnalysedFrame | None, now: float, hold: bool = False) -> bool:
    """Feed `analysed` to guidance and the best-frame keeper unless it was judged already; return True when it was
    judged now (then the flow's guards decide whether the countdown starts or breaks). `hold`: a countdown is
    running, its confirmed candidates stay when a gate breaks (capture_choice.CaptureChooser.keep)."""
    if analysed is None or analysed.index == ctx.last_judged:
        return False
    ctx.last_judged = analysed.index
    ctx.tally.analysed_in_guide += 1
    face = analysed.analysis.face is not None
    view = ctx.guidance.update(analysed.gates if face else None, now)
    ctx.tally.hints_shown.add(view.hint)
    ctx.session.best = ctx.choice.keep(ctx.session.best, view, analysed, hold)
    return True
