"""The HTML report of `idphoto check --report`: one row per photo with a thumbnail, landmarks, crown/eye/chin
lines and the crop the profile would cut, and each failing gate with its value and hint. Self-contained file."""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw

from capture.check import CheckResult
from capture.compose import plan_crop
from capture.files import write_atomic
from capture.errors import PhotoError
from kiosk.texts import error_text, hint_text
from capture.settings import ENGINE
from profiles.model import Profile

THUMB_PX = 360


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
            value = "–" if g.value is None else f"{g.value:.3g}"
            items.append(f"<li><b>{g.name}</b> {value} {html.escape(g.unit)} (limit {html.escape(str(g.threshold))})"
                         f" — {html.escape(hint_text(g.hint, 'zh'))} / {html.escape(hint_text(g.hint, 'en'))}</li>")
    for name, item in result.file_spec.items():
        if not item.ok:
            items.append(f"<li>file <b>{name}</b>: {html.escape(str(item.value))} "
                         f"(expected {html.escape(str(item.expected))})</li>")
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
