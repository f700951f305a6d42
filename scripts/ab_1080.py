"""One side of an old/new comparison at 1080p; prints one JSON line. Works on any tree of this project that has the
replay camera and the live analyser (the base commit of issue 12 too), so old and new can be run alternately:

    PYTHONPATH=TREE SDL_VIDEODRIVER=dummy python scripts/ab_1080.py fps [720]
    PYTHONPATH=TREE python scripts/ab_1080.py overhead [720]

fps: the kiosk's guide screen (dummy video driver) with a 1920×1080 replay camera of the demo subject held too close
(so it stays in guide) for 8 s (`fps 720`: a 1280×720 camera). overhead: the live analyser over two cadence periods of 1920×1080 demo frames,
(mean analysis + gates − mean FaceMesh stage) / mean FaceMesh stage, the formula of `idphoto bench` (a tree that
shares the screen's reduced copy with the analysis is handed it, as its kiosk does; the copy's time is reported too;
`overhead 720`: the same with 1280×720 frames, analysed as they are, keys `_720`).
"""
from __future__ import annotations

import inspect
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from capture.camera import DEFAULT_SCRIPT, Keyframe, ReplayCamera, StillMotionFrames, find_demo_still
from capture.gates import evaluate
from capture.images import read_photo
from capture.live import FrameAnalyzer

try:  # newer trees: the stream's verdict memo and the frozen start-up heap, as their station's worker uses them
    from capture.gates import VerdictMemo
    from capture.live import freeze_start_up_heap
except ImportError:  # an older tree judges every gate and leaves the heap alone, as its station did
    VerdictMemo, freeze_start_up_heap = None, None
from capture.settings import ENGINE
from profiles import get_profile

SIZE = (1920, 1080)


def guide_fps(profile, still, size: tuple[int, int] = SIZE) -> dict:
    """Return the guide screen's and the analysis's frames per second with a replay camera of `size` (W, H; keys
    `_1080`, or `_720` for a 1280×720 camera)."""
    from kiosk.station.flow import State
    from kiosk.station.loop import KioskApp
    from kiosk.station.settings import KioskOptions

    too_close = (Keyframe(0.0, 0.103, 0.35, 3.6, 0.0), Keyframe(600.0, 0.103, 0.35, 3.6, 0.0))
    marks: dict[str, float] = {}

    def factory():
        return ReplayCamera(StillMotionFrames(still, too_close, size=size, fps=30.0, noise_sigma=1.5), fps=30.0,
                            loop=True)

    def on_state(app, state):
        if state is State.GUIDE:
            marks["guide"], marks["frames"] = time.perf_counter(), app.frames_shown

    with tempfile.TemporaryDirectory() as tmp:
        options = KioskOptions(profile=profile, camera="bench", store=Path(tmp), headless=True, skip_identify=True,
                               max_runtime_s=12.0, fps=1000.0, source_factory=factory, arrival_s=0.0)
        app = KioskApp(options, on_state=on_state)
        app.run()
        elapsed = time.perf_counter() - marks["guide"]
        tag = "1080" if size[1] == 1080 else str(size[1])
        return {f"guide_fps_{tag}": (app.frames_shown - marks["frames"]) / elapsed,
                f"analysed_fps_{tag}": app.analysed_in_guide / elapsed}


def overhead(profile, still, size: tuple[int, int] = SIZE) -> dict:
    """Return the live analysis's work beyond the landmark model ÷ the model at 1080p (means over 2 periods). On a
    tree whose analyser takes the screen's copy (`analyse(rgb, reduced)`), the copy is made beforehand as the kiosk
    does, timed apart (`copy_ms`) and counted only in `overhead_ratio_with_copy_1080`."""
    from capture.live import reduced_copy

    shares = "reduced" in inspect.signature(FrameAnalyzer.analyse).parameters and size[1] > 720
    frames = StillMotionFrames(still, DEFAULT_SCRIPT, size=size, fps=30.0, noise_sigma=1.5)
    rgbs = [np.ascontiguousarray(frames.frame_at(int(5.2 * 30) + i % 90)) for i in range(60)]
    period = ENGINE.live_full_every * ENGINE.live_body_pose_every
    totals, mesh, copies = [], [], []
    with FrameAnalyzer() as analyzer:
        if freeze_start_up_heap is not None:
            freeze_start_up_heap()
        memo = {"memo": VerdictMemo()} if VerdictMemo is not None else {}
        for i in range(3 + 2 * period):  # 3 warm-up frames
            rgb = rgbs[i % len(rgbs)]
            tc = time.perf_counter()
            given = (reduced_copy(rgb, 2),) if shares else ()
            t0 = time.perf_counter()
            result = analyzer.analyse(rgb, *given)
            evaluate(result.measurements, profile, **memo)
            if i >= 3:
                totals.append((time.perf_counter() - t0) * 1000)
                mesh.append(result.timings_ms.get("facemesh", 0.0))
                copies.append((t0 - tc) * 1000 if shares else 0.0)
    total, model, copy = float(np.mean(totals)), float(np.mean(mesh)), float(np.mean(copies))
    tag = "1080" if size[1] == 1080 else str(size[1])
    return {f"overhead_ratio_{tag}": (total - model) / model,
            f"overhead_ratio_with_copy_{tag}": (total + copy - model) / model,
            f"analysis_mean_ms_{tag}": total, "facemesh_ms": model, "copy_ms": copy, "shares_copy": shares}


if __name__ == "__main__":
    chsi, demo = get_profile("chsi-graduation"), read_photo(find_demo_still()).rgb
    if sys.argv[1:2] == ["fps"]:
        print(json.dumps(guide_fps(chsi, demo, (1280, 720) if sys.argv[2:] == ["720"] else SIZE)))
    else:
        print(json.dumps(overhead(chsi, demo, (1280, 720) if sys.argv[2:] == ["720"] else SIZE)))
