"""How `idphoto check` reports a photo: in sentences for the terminal (`describe`: each failing gate with its label,
its value and limit in words and its hint, advisory ones marked; each failing file rule in words), and the HTML
report of `--report`: one row per photo with a thumbnail, landmarks, crown/eye/chin lines and the crop the profile
would cut, and the same sentences. Self-contained file."""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any, Sequence

from PIL import Image, ImageDraw

from capture.check import CheckResult
from capture.compose import plan_crop
from capture.files import write_atomic
from capture.errors import PhotoError
from capture.filespec import SpecRule
from capture.gates import GateResult
from capture.gates.spec import SPECS_BY_NAME
from kiosk.texts import error_text, gate_label, has, hint_text, text
from capture.settings import ENGINE
from profiles.model import Profile

THUMB_PX = 360
#: file rules whose limit is a (lo, hi) range, and the unit their numbers are in
_RULE_UNITS = {"kb": "KB", "width_px": "px", "height_px": "px", "dpi": "dpi", "hair_top_px": "px",
               "eye_line_px": "px", "face_width_px": "px", "head_height_px": "px"}


def _number(value: float, unit: str) -> str:
    """Return a gate value or limit in words: shares as percentages, degrees with °, ΔE, enlargements with ×."""
    if unit == "ratio":
        return f"{value * 100:.3g}%"
    if unit == "deg":
        return f"{value:.3g}°"
    if unit == "dE00":
        return f"ΔE {value:.3g}"
    if unit == "×":
        return f"{value:.3g}×"
    return f"{value:.3g}"


def _limit(g: GateResult, lang: str) -> str:
    """Return what gate result `g` was held to, in words ("allowed at most 4%")."""
    spec = SPECS_BY_NAME.get(g.name)
    direction = spec.direction if spec is not None else "other"
    thr = g.threshold
    if isinstance(thr, tuple):
        return text("cli.limit_band", lang, lo=_number(thr[0], g.unit), hi=_number(thr[1], g.unit))
    if thr is None:
        return ""
    key = {"at_most": "limit_at_most", "at_least": "limit_at_least", "abs_at_most": "limit_abs_at_most",
           "custom": "limit_exactly"}.get(direction, "limit_other")
    return text(f"cli.{key}", lang, limit=_number(float(thr), g.unit))


def _hint(code: str, lang: str) -> str:
    return hint_text(code, lang).rstrip("。.!！ ")


def gate_sentence(g: GateResult, lang: str = "en") -> str:
    """Return one failing gate in words: "Mouth closed (mouth_closed): 10.4%, allowed at most 4%. Close your mouth
    naturally." — advisory gates say so after their name."""
    advisory = text("cli.check_advisory", lang) if g.advisory else ""
    value = text("cli.check_not_measured", lang) if g.value is None else _number(float(g.value), g.unit)
    limit = _limit(g, lang) if g.value is not None else ""
    sentence = text("cli.check_gate", lang, label=gate_label(g.name, lang), name=g.name, advisory=advisory,
                    value=value, limit=limit, hint=_hint(g.hint, lang))
    return sentence.replace(", .", ".").replace("，。", "。")  # no limit to name


def _plain(value: Any, unit: str, lang: str) -> str:
    """Return a file rule's value or limit in words: "not set", "none", "20–40 KB", "96 dpi", "480 px"."""
    if value is None:
        return text("cli.value_not_set", lang)
    if isinstance(value, (list, tuple)):
        if not value:
            return text("cli.value_none", lang)
        if unit == "dpi" and len(set(value)) == 1:
            return _plain(value[0], unit, lang)
        sep = "–" if unit in ("KB", "px") and len(value) == 2 else ", "
        return sep.join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) + (f" {unit}" if unit else "")
    number = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{number} {unit}" if unit else number


def rule_sentence(name: str, rule: SpecRule, profile: Profile, lang: str = "en") -> str:
    """Return one failing file rule in words: "file width: 512 px, must be 480 px."."""
    what = text(f"cli.rule_{name}", lang) if has(f"cli.rule_{name}") else name
    if name == "background_colour" and isinstance(rule.value, dict):
        value = text("cli.value_background", lang, nearest=rule.value.get("nearest"),
                     delta_e=float(rule.value.get("delta_e", 0.0)))
        expected = text("cli.expected_background", lang, names=", ".join(map(str, rule.limit or ())),
                        limit=profile.threshold("background_delta_e_max"))
    else:
        unit = _RULE_UNITS.get(name, "")
        value, expected = _plain(rule.value, unit, lang), _plain(rule.limit, unit, lang)
    return text("cli.check_rule", lang, what=what, value=value, expected=expected)


def describe(result: CheckResult, profile: Profile, lang: str = "en") -> str:
    """Return the check of one photo for people: "PASS|FAIL FILE" then one indented sentence per failing gate (in
    priority order, advisory ones marked) and per failing file rule; "ERROR FILE: sentence" when it could not be
    checked (unreadable, or too small for the profile)."""
    if result.error:
        return f"{text('cli.check_error', lang)} {error_text(result.error, lang)}"
    head = text("cli.check_pass" if result.ok else "cli.check_fail", lang)
    lines = [f"{head} {result.file}"]
    lines += [f"    {gate_sentence(g, lang)}" for g in result.gates.values() if not g.ok]
    lines += [f"    {rule_sentence(name, item, profile, lang)}" for name, item in result.file_spec.items()
              if not item.ok]
    return "\n".join(lines)


def annotated_thumbnail(result: CheckResult, profile: Profile) -> Image.Image | None:
    """Return a thumbnail (longest side THUMB_PX) with landmarks, head lines and the planned crop with its bands."""
    if result.rgb is None:
        return None
    image = Image.fromarray(result.rgb).convert("RGB")
    draw = ImageDraw.Draw(image, "RGBA")
    w, h = image.size
    k = max(1.0, max(w, h) / 900)  # line width in px for large photos
    if result.landmarks is not None:
        r = 1.2 * k
        for x, y, _ in result.landmarks[::3]:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(0, 255, 255, 160))
    m = result.measurements
    if m is not None and m.head is not None:
        hd = m.head
        for y, colour in ((hd.crown_y, (230, 60, 60)), (hd.eye_y, (40, 200, 80)), (hd.chin_y, (80, 120, 255))):
            draw.line((0, y, w, y), fill=colour + (220,), width=int(2 * k))
        try:
            crop = plan_crop(hd, profile, w, h, ENGINE.max_upscale)
        except PhotoError:
            crop = None
        if crop is not None:
            draw.rectangle(crop.as_box(), outline=(255, 200, 0, 255), width=int(3 * k))
            comp = profile.composition
            for band, colour in ((comp.hair_top, (230, 60, 60)), (comp.eye_line, (40, 200, 80))):
                if band is not None:
                    y0, y1 = crop.top + band.lo / crop.scale, crop.top + band.hi / crop.scale
                    draw.rectangle((crop.left, y0, crop.left + 12 * k, y1), fill=colour + (200,))
    image.thumbnail((THUMB_PX, THUMB_PX))
    return image


def _data_uri(image: Image.Image) -> str:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _row(result: CheckResult, profile: Profile) -> str:
    thumb = annotated_thumbnail(result, profile)
    img = f'<img src="{_data_uri(thumb)}" alt="">' if thumb is not None else ""
    verdict = "pass" if result.ok else "fail"
    items = []
    if result.error:
        items.append(f'<li class="err">{html.escape(error_text(result.error, "en"))}</li>')
    for g in result.gates.values():
        if not g.ok:
            items.append(f"<li>{html.escape(gate_sentence(g, 'en'))} / {html.escape(hint_text(g.hint, 'zh'))}</li>")
    for name, item in result.file_spec.items():
        if not item.ok:
            items.append(f"<li>{html.escape(rule_sentence(name, item, profile, 'en'))}</li>")
    passed = sum(g.ok for g in result.gates.values())
    return (f'<tr class="{verdict}"><td>{img}</td><td><div class="name">{html.escape(Path(result.file).name)}</div>'
            f'<div class="verdict">{verdict.upper()} · {passed}/{len(result.gates)} gates</div>'
            f'<ul>{"".join(items)}</ul></td></tr>')


def render_report(results: Sequence[CheckResult], profile: Profile) -> str:
    """Return the report HTML for `results` checked under `profile`."""
    ok = sum(r.ok for r in results)
    rows = "\n".join(_row(r, profile) for r in results)
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>idphoto check — {html.escape(profile.id)}</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 24px; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
td {{ border-bottom: 1px solid #ddd; padding: 10px; vertical-align: top; }}
tr.pass .verdict {{ color: #1a7f37; font-weight: 600; }}
tr.fail .verdict {{ color: #c62828; font-weight: 600; }}
.name {{ font-weight: 600; }} li.err {{ color: #c62828; }}
.legend span {{ display: inline-block; margin-right: 16px; }}
</style></head><body>
<h1>idphoto check — {html.escape(profile.name_zh)} / {html.escape(profile.name_en)}</h1>
<p>{ok} of {len(results)} photos pass. Profile <code>{html.escape(profile.id)}</code>:
{profile.width_px}×{profile.height_px} px, {profile.dpi} dpi, {profile.kb_min:g}–{profile.kb_max:g} KB.</p>
<p class="legend"><span style="color:#e63c3c">━ crown / hair-top band</span><span style="color:#28c850">━ eye line / band</span>
<span style="color:#5078ff">━ chin</span><span style="color:#e6b400">▭ crop the profile would cut</span>
<span style="color:#00bfbf">· landmarks</span></p>
<table>
{rows}
</table></body></html>
"""


def write_report(path: str | Path, results: Sequence[CheckResult], profile: Profile) -> None:
    """Write the HTML report atomically with owner-only permissions (it contains photos)."""
    write_atomic(Path(path), render_report(results, profile).encode("utf-8"), mode=0o600)
