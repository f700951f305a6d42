"""Render every kiosk screen in Chinese and English to docs/screenshots/ (SDL dummy driver, no window).

Uses the real engine on the bundled demo subject: the guide screen shows real gate verdicts, the review screen a
real picture. Run from the repo root: .venv/bin/python scripts/screenshots.py [OUT_DIR] [--size 1280x800]
"""
from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"

import numpy as np  # noqa: E402

from capture.analyzer import StillAnalyzer  # noqa: E402
from capture.camera import StillMotionFrames, DEFAULT_SCRIPT, find_demo_still  # noqa: E402
from capture.gates import evaluate  # noqa: E402
from capture.images import read_photo  # noqa: E402
from capture.live import FrameAnalyzer  # noqa: E402
from capture.picture import make_picture  # noqa: E402
from kiosk.station.flow import State  # noqa: E402
from kiosk.station.guidance import Guidance, GuidanceConfig  # noqa: E402
from kiosk.ui.screen import Screen  # noqa: E402
from kiosk.station.view_model import PictureFacts, ViewModel  # noqa: E402
from kiosk.store.identity import IdentityError, mask_identity  # noqa: E402
from profiles import get_profile  # noqa: E402


ID_NUMBER = "11010519491231002X"  # the standard's example number: shown masked on every public screen


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv and not argv[0].startswith("--") else Path("docs/screenshots")
    size = (1280, 800)
    if "--size" in argv:
        size = tuple(int(v) for v in argv[argv.index("--size") + 1].split("x"))
    suffix = "" if size == (1280, 800) else f"-{size[0]}x{size[1]}"
    profile = get_profile("chsi-graduation")
    still = read_photo(find_demo_still()).rgb
    frames = StillMotionFrames(still, DEFAULT_SCRIPT, size=(1280, 720), fps=30.0)
    settled = np.ascontiguousarray(frames.frame_at(int(6.0 * 30)))
    arriving = np.ascontiguousarray(frames.frame_at(int(3.3 * 30)))  # drifting, tilted, too close
    verdicts = []
    for frame in (arriving, settled):  # a fresh analyser each: a first frame always gets the full analysis
        with FrameAnalyzer() as analyzer:
            verdicts.append(evaluate(analyzer.analyse(frame).measurements, profile))
    g_bad, g_good = verdicts
    with StillAnalyzer() as still_analyzer:
        picture = make_picture(settled, profile, still_analyzer, "demo")
        replaced = make_picture(settled, profile, still_analyzer, "demo", profile.backgrounds[0])  # 换底
    screen = Screen(size, headless=True)
    try:
        for lang in ("zh", "en"):
            def shot(name: str, vm: ViewModel) -> None:
                screen.draw(vm)
                screen.save(out / f"{name}-{lang}{suffix}.png")

            mirrored_settled, mirrored_arriving = np.fliplr(settled), np.fliplr(arriving)
            shot("idle", ViewModel(State.IDLE, lang, profile, preview=mirrored_arriving))
            # the default patterns allow letters in student numbers: the letter keypad; digits only: the digit pad
            shot("identify", ViewModel(State.IDENTIFY, lang, profile, identity="S2023A01", letter_keys=True))
            shot("identify-digits", ViewModel(State.IDENTIFY, lang, profile, identity="2023001"))
            shot("identify-refused", ViewModel(State.IDENTIFY, lang, profile, identity="110105194912310021",
                                               identity_error=True, letter_keys=True,
                                               identity_reason=IdentityError("id_check_digit", expected="X")))
            # a number whose photo was handed over (locked): refused here, before any capture
            shot("identify-locked", ViewModel(State.IDENTIFY, lang, profile, identity="2023001", identity_error=True,
                                              letter_keys=True, identity_reason=IdentityError("record_locked")))
            guidance = Guidance(GuidanceConfig(pass_after_s=0, fail_after_s=0))
            shot("guide", ViewModel(State.GUIDE, lang, profile, preview=mirrored_arriving,
                                    guidance=guidance.update(g_bad, 0.0)))
            guidance = Guidance(GuidanceConfig(pass_after_s=0, fail_after_s=0))
            shot("countdown", ViewModel(State.COUNTDOWN, lang, profile, preview=mirrored_settled,
                                        guidance=guidance.update(g_good, 0.0), countdown_left_s=1.4))
            # a frame taken while every gate held is in hand: the countdown finishes though a gate has turned red
            guidance = Guidance(GuidanceConfig(pass_after_s=0, fail_after_s=0, hint_after_s=0, value_dead_band=False))
            guidance.update(g_good, 0.0)
            talking = {**g_good, "mouth_closed": dataclasses.replace(g_good["mouth_closed"], ok=False)}
            shot("countdown-held", ViewModel(State.COUNTDOWN, lang, profile, preview=mirrored_settled,
                                             guidance=guidance.update(talking, 1.0), countdown_left_s=0.6))
            facts = PictureFacts(profile.width_px, profile.height_px, picture.size_kb, profile.dpi)
            shot("review", ViewModel(State.REVIEW, lang, profile, picture=picture.rgb, layout=picture.layout,
                                     facts=facts, identity_shown=mask_identity(ID_NUMBER), wrong_number=True))
            facts = PictureFacts(profile.width_px, profile.height_px, replaced.size_kb, profile.dpi,
                                 replaced.backdrop_replaced)
            shot("review-backdrop-replaced", ViewModel(State.REVIEW, lang, profile, picture=replaced.rgb,
                                                       layout=replaced.layout, facts=facts, identity_shown="S2023A01",
                                                       wrong_number=True))
            shot("saved", ViewModel(State.SAVED, lang, profile, saved_name=f"{ID_NUMBER}.jpg",
                                    identity_shown=mask_identity(ID_NUMBER)))
            # a refused filing: the number was exported (locked) before, then typed again and confirmed
            shot("error", ViewModel(State.ERROR, lang, profile, error="station.filing_refused"))
            shot("error-store-full", ViewModel(State.ERROR, lang, profile, error="station.filing_failed",
                                               error_fields={"error": "ENOSPC"}))
            # the camera cannot make this profile's picture (capture/camera_fit.py): students are asked to fetch staff
            shot("not-ready", ViewModel(State.NOT_READY, lang, profile))
            # only sharpness keeps a still person from the picture for 10 s: the staff strip names the camera
            shot("guide-soft-camera", ViewModel(State.GUIDE, lang, profile, preview=mirrored_settled,
                                                guidance=guidance.update(g_good, 0.0),
                                                staff_notice=("station.soft_camera", {"camera": "webcam 0 400x300"})))
            shot("camera-lost", ViewModel(State.GUIDE, lang, profile, preview=None, camera="reconnecting"))
    finally:
        screen.close()
    from kiosk.ui.operator import render_operator_screenshots

    if size == (1280, 800):
        render_operator_screenshots(out, size=size)
    print(f"wrote screenshots to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
