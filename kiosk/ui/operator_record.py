"""The operator console's record page: the record's picture, facts and attempts (failed ones with their reasons in
words, the filed one with its thumbnail); reopening it for re-capture (a reason per button), locking it and printing
its sheet, each drawn disabled with the store's sentence when it cannot act."""
from __future__ import annotations

import io

import pygame

from kiosk.console.console import OperatorState, attempt_count, when_text
from kiosk.ui.operator_override import override_line
from kiosk.texts import has, text
from kiosk.ui.common import THEME, Targets, Typesetter, draw_button
from kiosk.ui.operator_parts import STATUS_COLOURS, draw_disabled, draw_wrapped, header, status_text


_THUMBS: dict[tuple[str, int, int, int], pygame.Surface | None] = {}  # (identity, bytes, w, h) -> scaled picture


def picture_surface(identity: str, data: bytes | None, size: tuple[int, int]) -> pygame.Surface | None:
    """Return the picture `data` (JPEG bytes) scaled to fit `size` px, keeping its shape; None when there is none
    or it cannot be read. Decoded once per picture and size (the console redraws every frame)."""
    if not data:
        return None
    key = (identity, hash(data), size[0], size[1])
    if key not in _THUMBS:
        if len(_THUMBS) > 16:
            _THUMBS.clear()
        try:
            image = pygame.image.load(io.BytesIO(data), "picture.jpg")
            scale = min(size[0] / image.get_width(), size[1] / image.get_height())
            _THUMBS[key] = pygame.transform.smoothscale(
                image, (max(1, int(image.get_width() * scale)), max(1, int(image.get_height() * scale))))
        except (pygame.error, ValueError):
            _THUMBS[key] = None
    return _THUMBS[key]


def _picture(surface: pygame.Surface, ts: Typesetter, state: OperatorState, record: dict, box: pygame.Rect) -> None:
    pygame.draw.rect(surface, THEME.panel, box, border_radius=8)
    image = picture_surface(str(record.get("identity", "")), record.get("picture_bytes"), (box.width - 8,
                                                                                         box.height - 8))
    if image is None:
        ts.draw(surface, text("op_no_picture", state.lang), box.center, 3.0, THEME.muted, anchor="center",
                max_width=box.width * 0.9)
    else:
        surface.blit(image, image.get_rect(center=box.center))


def failed_line(attempt: dict, lang: str) -> str:
    """Return a failed attempt's reasons in `lang`: "未通过：双眼睁开、正对镜头 · 请睁开眼睛，看着镜头" (the gates'
    labels, then the first one's hint), or "" when it names no gate."""
    failed = [str(g) for g in attempt.get("failed") or ()]
    if not failed:
        return ""
    glue = "、" if lang == "zh" else ", "
    line = text("op_attempt_failed", lang, gates=glue.join(text(f"gate.{g}", lang) for g in failed))
    hint = f"hint.{failed[0]}"
    return f"{line} · {text(hint, lang)}" if has(hint) else line


def _attempts(surface: pygame.Surface, ts: Typesetter, state: OperatorState, record: dict,
              box: pygame.Rect) -> None:
    """The attempts, newest last (as many as fit): when, result; a failed one's reasons in words, the filed
    picture's thumbnail beside the attempt that filed it."""
    pygame.draw.rect(surface, THEME.panel, box, border_radius=10)
    ts.draw(surface, f"{text('op_attempts_title', state.lang)} ({attempt_count(record)})",
            (box.x + ts.unit * 2, box.y + ts.unit * 1.2), 3.2, THEME.muted)
    attempts = record.get("attempts")
    if not isinstance(attempts, (list, tuple)) or not attempts:
        ts.draw(surface, text("op_no_attempts", state.lang), box.center, 3.2, THEME.muted, anchor="center")
        return
    row_h = ts.unit * 7.5
    fit = max(1, int((box.height - ts.unit * 6) // row_h))
    y = box.y + ts.unit * 6
    x = box.x + ts.unit * 2
    for n, attempt in enumerate(attempts[-fit:], start=max(1, len(attempts) - fit + 1)):
        result = str(attempt.get("result", ""))
        when = when_text(attempt.get("at", attempt.get("time")), state.today)
        r = ts.draw(surface, f"{n}.  {when}", (x, y), 3.0)
        ts.draw(surface, status_text(result, state.lang), (r.right + ts.unit * 2, y), 3.0,
                STATUS_COLOURS.get(result, THEME.text))
        detail = failed_line(attempt, state.lang)
        if not detail and result == "filed":
            detail = text("op_attempt_current" if attempt.get("thumb") else "op_attempt_replaced", state.lang)
        if attempt.get("override"):  # accepted by staff over failed checks: that, not the hint to fix them
            detail = override_line(attempt["override"], state.lang)
        ts.draw(surface, detail, (x + ts.unit * 2, y + ts.unit * 3.6), 2.5, THEME.advise if attempt.get("failed")
                else THEME.muted, max_width=box.width - ts.unit * 12)
        if attempt.get("thumb"):
            thumb = picture_surface(str(record.get("identity", "")), record.get("picture_bytes"),
                                    (int(ts.unit * 5.4), int(row_h - ts.unit)))
            if thumb is not None:
                surface.blit(thumb, thumb.get_rect(topright=(box.right - ts.unit * 2, y - ts.unit * 0.3)))
        y += row_h


def draw_record(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """One record: its picture, facts and attempts on the left; on the right, a button per re-capture reason
    (reopening the record, an exported one too), Lock and Print, each drawn disabled with the reason when it
    cannot act."""
    w, h = surface.get_size()
    targets = header(surface, ts, state, "op_record_title")
    record = dict(state.record or {})
    status = str(record.get("status", ""))
    pic = pygame.Rect(int(w * 0.025), int(h * 0.135), int(h * 0.3), int(h * 0.4))
    _picture(surface, ts, state, record, pic)
    left = pic.right + w * 0.02
    ts.draw(surface, str(record.get("identity", "")), (left, h * 0.15), 5, max_width=w * 0.585 - left)
    pygame.draw.circle(surface, STATUS_COLOURS.get(status, THEME.muted), (int(left + ts.unit), int(h * 0.27)),
                       int(ts.unit))
    kind = f"op_kind_{record.get('kind')}"
    facts = [status_text(status, state.lang), text(kind, state.lang) if has(kind) else "",
             str(record.get("profile") or ""),
             when_text(record.get("updated"), state.today)]
    draw_wrapped(surface, ts, "  ·  ".join(f for f in facts if f), (left + ts.unit * 3, h * 0.25), 3.0,
                 THEME.muted, w * 0.585 - left - ts.unit * 3, 3)
    if record.get("reason"):
        reason = str(record["reason"])
        key = f"op_reason_{reason}"
        ts.draw(surface, text(key, state.lang) if has(key) else reason, (left, h * 0.42), 3.0, THEME.advise)
    _attempts(surface, ts, state, record, pygame.Rect(int(w * 0.025), int(h * 0.555), int(w * 0.56), int(h * 0.32)))
    _actions(surface, ts, state, targets, status, record.get("refusals") or {})
    pr = pygame.Rect(int(w * 0.62), int(h * 0.815), int(w * 0.355), int(h * 0.065))
    if record.get("picture_bytes"):
        targets.rects["print"] = draw_button(surface, ts, pr, text("op_print", state.lang), THEME.button, 3.4)
    else:
        draw_disabled(surface, ts, pr, text("op_print", state.lang))
    back = pygame.Rect(int(w * 0.025), int(h * 0.895), int(w * 0.16), int(h * 0.08))
    targets.rects["back"] = draw_button(surface, ts, back, text("back", state.lang), THEME.button_alt, 3.6)
    if state.message and has(state.message):  # wrapped beside Back: a printed sheet's path is long
        draw_wrapped(surface, ts, text(state.message, state.lang, **state.message_fields), (w * 0.2, h * 0.895),
                     2.6, THEME.bad if state.message_bad else THEME.good, w * 0.775, 2)
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
    bh, step = int(h * 0.065), h * 0.075
    for i, reason in enumerate(state.reasons):
        r = pygame.Rect(rx, int(h * 0.28 + i * step), rw, bh)
        label = text(f"op_reason_{reason}", state.lang)
        if refused:
            draw_disabled(surface, ts, r, label)
        else:
            targets.rects[f"recapture:{reason}"] = draw_button(surface, ts, r, label, THEME.advise, 3.4)
    lock = pygame.Rect(rx, int(h * 0.28 + len(state.reasons) * step + h * 0.015), rw, bh)
    lock_refused = refusals.get("lock")
    if not lock_refused:
        targets.rects["lock"] = draw_button(surface, ts, lock, text("op_lock", state.lang), THEME.bad, 3.4)
    elif status == "locked":
        draw_disabled(surface, ts, lock, text("op_status_locked", state.lang))
    else:
        draw_disabled(surface, ts, lock, text("op_lock", state.lang))
        draw_wrapped(surface, ts, text(f"store.{lock_refused}", state.lang), (rx, lock.bottom + h * 0.01), 2.4,
                     THEME.muted, rw, 2)
