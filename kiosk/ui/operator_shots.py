"""Screenshots of the operator console (docs/screenshots/operator-*.png): made-up records and every page in
Chinese and English, drawn with the console's own state machine."""
from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any, Callable

import pygame

from kiosk.console.console import Choice, OperatorConsole, hash_pin, profile_choices, rows_for_height
from kiosk.store.roster import RosterEntry
from kiosk.ui.common import Typesetter
from kiosk.ui.operator import draw


def sample_records(now: dt.datetime) -> list[dict[str, Any]]:
    """Made-up records for screenshots and tests."""
    def at(minutes: float) -> dt.datetime:
        return now - dt.timedelta(minutes=minutes)

    rows: list[dict[str, Any]] = [
        {"identity": "2023001", "status": "已上传", "updated": at(3), "kind": "student", "profile": "chsi-graduation",
         "attempts": [{"at": at(6), "accepted": False, "picture": None, "gates": {"eyes_open": False, "yaw": True}},
                      {"at": at(3), "accepted": True, "picture": "pictures/2023001.jpg", "gates": {}}]},
        {"identity": "11010519491231002X", "status": "需重新上传", "updated": at(12), "reason": "blurred",
         "kind": "id_number", "attempts": 1},
        {"identity": "12345678901234", "status": "未上传", "updated": at(15), "attempts": 0},
        {"identity": "QR-3F2A9C1B7E4D5A60", "status": "已重新上传", "updated": at(40), "kind": "collection_code",
         "attempts": 3},
        {"identity": "2023017", "status": "已采集(锁定)", "updated": at(62), "attempts": 4},
        {"identity": "2023018", "status": "已上传", "updated": at(75), "attempts": 1},
        {"identity": "2023019", "status": "已上传", "updated": at(90), "attempts": 2},
        {"identity": "2022105", "status": "已上传", "updated": at(60 * 26), "attempts": 1},
        {"identity": "2022106", "status": "已采集(锁定)", "updated": at(60 * 27), "attempts": 1},
    ]
    # a school's day: enough records for several pages
    rows += [{"identity": f"2023{100 + i:03d}", "status": ("已上传", "已采集(锁定)", "未上传")[i % 3],
              "updated": at(120 + 7 * i), "attempts": 1 + i % 3} for i in range(40)]
    return rows


def sample_picture() -> bytes | None:
    """Return a made-up filed picture (the demo still cut to 3:4, 480×640 JPEG), or None without the demo still."""
    try:
        from PIL import Image

        from capture.camera import find_demo_still

        with Image.open(find_demo_still()) as image:
            rgb = image.convert("RGB")
    except Exception:  # the screenshots do not depend on the demo still
        return None
    w, h = rgb.size
    cw = min(w, h * 3 // 4)
    box = ((w - cw) // 2, 0, (w - cw) // 2 + cw, min(h, cw * 4 // 3))
    out = io.BytesIO()
    rgb.crop(box).resize((480, 640)).save(out, "JPEG", quality=90)
    return out.getvalue()


def sample_roster() -> list[RosterEntry]:
    """A made-up class list: three classes of the sample records' numbers plus a few students with no record yet."""
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = ("子涵", "浩然", "雨桐", "欣怡", "梓萱", "俊杰", "思远", "佳怡", "宇航", "诗琪")
    numbers = ["2023001", "12345678901234", "2023017", "2023018", "2023019", "2023090", "2023091"]
    numbers += [f"2023{100 + i:03d}" for i in range(40)] + ["2023092", "2023093", "2023094"]
    classes = ("高三(1)班", "高三(2)班", "高三(3)班")
    return [RosterEntry(n, surnames[i % len(surnames)] + given[i % len(given)], classes[i * 3 // len(numbers)], i + 2)
            for i, n in enumerate(numbers)]


OPERATORS_PIN = "4826"


def _shot_console(records: list[dict[str, Any]], lang: str, now: dt.datetime, profiles, cameras,
                  names: tuple[str, ...], rows: int = 11, roster: bool = True) -> OperatorConsole:
    """Return a console of the made-up records with operators `names` (all with PIN 4826), `rows` rows a page;
    with the made-up class list unless not `roster`; the profile comes from the config file, the camera from the command line, 换底 from the console."""
    stored = hash_pin(OPERATORS_PIN, iterations=1000)
    return OperatorConsole(lambda: records, None, profiles, cameras, profile_id="chsi-graduation", camera_spec="0",
                           lang=lang, clock=lambda: 0.0, today=now.date, pin_iterations=1000,
                           operators=[(name, stored) for name in names], rows_per_page=rows,
                           origins={"profile": "file", "camera": "flag", "replace_backdrop": "console"},
                           roster=sample_roster if roster else None)


def _profiles() -> tuple[Choice, ...]:
    try:
        from profiles import load_profiles

        return profile_choices(load_profiles())
    except Exception:  # the screenshots do not depend on the profile files
        return (Choice("chsi-graduation", "学信网学历照片", "CHSI graduation"),
                Choice("id-card", "居民身份证", "Resident ID card"))


def _records_shots(console: OperatorConsole, shot: Callable[[OperatorConsole, str], None]) -> None:
    """Shoot the queue (first and last page), the search, and the records (filed, reopened, nothing filed, printed)."""
    shot(console, "queue")
    console.handle("page:last")
    shot(console, "queue-last")
    console.handle("goto:search")
    for key in "20231":
        console.handle(f"key:{key}")
    shot(console, "search")
    console.handle("back")
    for identity, name in (("2023001", "record"), ("2023017", "record-reopen"),
                           ("12345678901234", "record-disabled")):
        console.handle("goto:queue")
        console.handle(f"open:{identity}")
        shot(console, name)
    console.handle("goto:queue")
    console.type_text("2023001")  # a keyboard-wedge scanner types the number, then Enter
    console.handle("ok")
    console.notify("op_print_saved", n=1, path="/var/lib/idphoto/kiosk-store/exports/"
                                               "2023001-sheet-20261123-153000.jpg")
    shot(console, "record-print")


def _roster_shots(console: OperatorConsole, shot: Callable[[OperatorConsole, str], None],
                  none: OperatorConsole) -> None:
    """Shoot the class list (its classes, the first class's missing students) and, on `none` (a console without a
    list, still at its PIN pad), the page saying no list is loaded."""
    console.handle("goto:roster")
    shot(console, "roster")
    console.handle("class:0")
    shot(console, "roster-class")
    for key in OPERATORS_PIN:
        none.handle(f"key:{key}")
    none.handle("ok")
    none.handle("goto:roster")
    shot(none, "roster-none")


def _settings_shots(console: OperatorConsole, shot: Callable[[OperatorConsole, str], None]) -> None:
    """Shoot the settings and the accept-over-a-failed-check page (just accepted)."""
    console.handle("goto:settings")
    shot(console, "settings")
    console.handle("goto:override")
    console.notify("op_override_done")
    shot(console, "override")


def render_operator_screenshots(out_dir: str | Path, size: tuple[int, int] = (1280, 800)) -> list[Path]:
    """Render every operator page in Chinese and English to out_dir/operator-<page>-<lang>.png; return the paths.
    Pages: who (choose the operator), pin, queue, queue-last (the last page), search (the matches of "20231"),
    record (filed, with its picture), record-print (the sheet saved without a printer), record-reopen (a locked record reopened for
    re-capture), record-disabled (nothing filed yet: buttons disabled with the reason), settings, export,
    export-done (where the file is and how many pictures), change-pin, pin-locked, roster (the class list's
    classes), roster-class (one class's missing students), roster-none (no class list loaded), override (accept
    over a failed check: the reasons)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    now = dt.datetime(2026, 11, 23, 15, 30)
    records = sample_records(now)
    records[0]["picture_bytes"] = sample_picture()
    profiles = _profiles()
    cameras = [Choice("0", "摄像头 0", "Camera 0"), Choice("1", "摄像头 1", "Camera 1"),
               Choice("demo", "演示视频", "Demo video")]
    surface = pygame.Surface(size)
    ts = Typesetter(size[1])
    written: list[Path] = []
    for lang in ("zh", "en"):
        def shot(console: OperatorConsole, name: str) -> None:
            draw(surface, ts, console.state())
            path = out / f"operator-{name}-{lang}.png"
            pygame.image.save(surface, str(path))
            written.append(path)

        console = _shot_console(records, lang, now, profiles, cameras, ("王老师", "李老师", "operator 1"),
                                rows_for_height(size[1]))
        shot(console, "who")
        console.handle("operator:1")
        for key in "48":
            console.handle(f"key:{key}")
        shot(console, "pin")
        for key in "26":
            console.handle(f"key:{key}")
        console.handle("ok")
        _records_shots(console, shot)
        _roster_shots(console, shot, _shot_console(records, lang, now, profiles, cameras, ("operator 1",),
                                                   roster=False))
        _settings_shots(console, shot)
        console.handle("goto:export")
        shot(console, "export")
        console.notify("op_export_done_where", n=6, path="/var/lib/idphoto/kiosk-store/exports/"
                                                          "batch-20261123-153000.zip")
        shot(console, "export-done")
        first = OperatorConsole(lambda: records, None, lang=lang, clock=lambda: 0.0, today=now.date,
                                pin_iterations=1000)
        for key in "0000":
            first.handle(f"key:{key}")
        first.handle("ok")
        first.handle("key:7")
        shot(first, "change-pin")
        locked = _shot_console(records, lang, now, profiles, cameras, ("operator 1",))
        for _ in range(5):
            for key in "1111":
                locked.handle(f"key:{key}")
            locked.handle("ok")
        shot(locked, "pin-locked")
    return written
