"""The operator console's record page: the record's facts and attempts; reopening it for re-capture (a reason per
button) and locking it, each drawn disabled with the store's sentence when the lifecycle would refuse it."""
from __future__ import annotations

import pygame

from kiosk.console.console import OperatorState, attempt_count, when_text
from kiosk.texts import has, text
from kiosk.ui.common import THEME, Targets, Typesetter, draw_button
from kiosk.ui.operator_parts import STATUS_COLOURS, draw_disabled, draw_wrapped, header, message, status_text


def draw_record(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """One record: its facts and attempts on the left; on the right, a button per re-capture reason (reopening the
    record, an exported one too) and Lock, each drawn disabled with the lifecycle's reason when it cannot act."""
    w, h = surface.get_size()
    targets = header(surface, ts, state, "op_record_title")
    record = state.record or {}
    status = str(record.get("status", ""))
    left = w * 0.04
    ts.draw(surface, str(record.get("identity", "")), (left, h * 0.15), 6, max_width=w * 0.5)
    pygame.draw.circle(surface, STATUS_COLOURS.get(status, THEME.muted), (int(left + ts.unit), int(h * 0.27)),
                       int(ts.unit))
    facts = [status_text(status, state.lang)]
    for key in ("kind", "profile"):
        if record.get(key):
            facts.append(str(record[key]))
    facts.append(when_text(record.get("updated"), state.today))
    ts.draw(surface, "  ·  ".join(f for f in facts if f), (left + ts.unit * 3, h * 0.27), 3.2, THEME.muted,
            anchor="midleft", max_width=w * 0.5)
    if record.get("reason"):
        reason = str(record["reason"])
        key = f"op_reason_{reason}"
        ts.draw(surface, text(key, state.lang) if has(key) else reason, (left, h * 0.31), 3.0, THEME.advise)
    box = pygame.Rect(int(w * 0.025), int(h * 0.36), int(w * 0.55), int(h * 0.5))
    pygame.draw.rect(surface, THEME.panel, box, border_radius=10)
    ts.draw(surface, f"{text('op_attempts_title', state.lang)} ({attempt_count(record)})",
            (box.x + ts.unit * 2, box.y + ts.unit * 1.5), 3.4, THEME.muted)
    attempts = record.get("attempts")
    if isinstance(attempts, (list, tuple)) and attempts:
        y = box.y + ts.unit * 7
        for n, attempt in enumerate(attempts[-8:], start=max(1, len(attempts) - 7)):
            result = str(attempt.get("result", ""))
            line = f"{n}.  {when_text(attempt.get('at', attempt.get('time')), state.today)}"
            ts.draw(surface, line, (box.x + ts.unit * 2, y), 3.0)
            ts.draw(surface, status_text(result, state.lang), (box.x + box.width * 0.4, y), 3.0,
                    STATUS_COLOURS.get(result, THEME.text), max_width=box.width * 0.25)
            note = str(attempt.get("note") or attempt.get("file") or "")
            ts.draw(surface, note, (box.x + box.width * 0.66, y), 2.6, THEME.muted, max_width=box.width * 0.32)
            y += ts.unit * 5
    else:
        ts.draw(surface, text("op_no_attempts", state.lang), box.center, 3.2, THEME.muted, anchor="center")
    _actions(surface, ts, state, targets, status, record.get("refusals") or {})
    back = pygame.Rect(int(w * 0.025), int(h * 0.885), int(w * 0.16), int(h * 0.085))
    targets.rects["back"] = draw_button(surface, ts, back, text("back", state.lang), THEME.button_alt, 3.6)
    message(surface, ts, state, (w * 0.6, h * 0.93))
    return targets




def _actions(surface: pygame.Surface, ts: Typesetter, state: OperatorState, targets: Targets, status: str,
             refusals: dict) -> None:
    """The right column: reopen-for-re-capture reasons, then Lock; a refused one is drawn disabled with why."""
    w, h = surface.get_size()
    rx, rw = int(w * 0.62), int(w * 0.355)
    ts.draw(surface, text("op_reopen" if status == "locked" else "op_recapture", state.lang), (rx, h * 0.14), 3.4,
            THEME.muted)
    refused = refusals.get("recapture")
    if refused:
        draw_wrapped(surface, ts, text(f"store.{refused}", state.lang), (rx, h * 0.19), 2.6, THEME.advise, rw, 2)
    elif status == "locked":
        draw_wrapped(surface, ts, text("op_reopen_hint", state.lang), (rx, h * 0.19), 2.6, THEME.muted, rw, 2)
    bh, step = int(h * 0.07), h * 0.082
    for i, reason in enumerate(state.reasons):
        r = pygame.Rect(rx, int(h * 0.28 + i * step), rw, bh)
        label = text(f"op_reason_{reason}", state.lang)
        if refused:
            draw_disabled(surface, ts, r, label)
        else:
            targets.rects[f"recapture:{reason}"] = draw_button(surface, ts, r, label, THEME.advise, 3.4)
    lock = pygame.Rect(rx, int(h * 0.28 + len(state.reasons) * step + h * 0.02), rw, bh)
    lock_refused = refusals.get("lock")
    if not lock_refused:
        targets.rects["lock"] = draw_button(surface, ts, lock, text("op_lock", state.lang), THEME.bad, 3.4)
    elif status == "locked":
        draw_disabled(surface, ts, lock, text("op_status_locked", state.lang))
    else:
        draw_disabled(surface, ts, lock, text("op_lock", state.lang))
        draw_wrapped(surface, ts, text(f"store.{lock_refused}", state.lang), (rx, lock.bottom + h * 0.01), 2.4,
                     THEME.muted, rw, 2)
