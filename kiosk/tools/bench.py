"""`idphoto bench`: speed and memory of the engine and the kiosk on this machine, as medians over repeated runs.

Every figure is measured in one run: the bare FaceMesh call (the floor we build on), our whole per-frame analysis
split by stage (with a 1280×720 camera, and again with a 1920×1080 one: keys ending `_1080`), the guide screen's
frame rate on the dummy video driver (720p and 1080p cameras), capture → verified picture, `check` and
`make` throughput, start-up to the first guided frame (in a fresh process), and peak resident memory.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image

from capture.camera import DEFAULT_SCRIPT, StillMotionFrames, find_demo_still
from kiosk.station.loop import peak_rss_mb
from capture.images import read_photo
from capture.settings import ENGINE, EngineSettings
from profiles.model import Profile


@dataclass
class Stat:
    """Median, min and max of repeated measurements."""

    median: float
    min: float
    max: float
    n: int

    mean: float = 0.0

    @classmethod
    def of(cls, values: list[float]) -> "Stat":
        return cls(statistics.median(values), min(values), max(values), len(values), statistics.fmean(values))

    def to_dict(self, digits: int = 2) -> dict:
        return {"median": round(self.median, digits), "mean": round(self.mean, digits), "min": round(self.min, digits),
                "max": round(self.max, digits), "n": self.n}


def _timed_ms(fn: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def demo_frames(size: tuple[int, int], count: int) -> list[np.ndarray]:
    """Return `count` frames of the settled demo subject at `size` (W, H) with sensor noise (distinct frames)."""
    still = read_photo(find_demo_still()).rgb
    frames = StillMotionFrames(still, DEFAULT_SCRIPT, size=size, fps=30.0, noise_sigma=1.5)
    start = int(5.2 * 30)
    return [np.ascontiguousarray(frames.frame_at(start + i % 90)) for i in range(count)]


def bench_facemesh(frames: list[np.ndarray]) -> Stat:
    """Return the bare FaceMesh (tracking mode, iris) time per frame, ms."""
    from capture.faces.landmarks import FaceMeshDetector

    with FaceMeshDetector(static=False, max_faces=2) as mesh:
        it = iter(frames * 3)
        return Stat.of(_timed_ms(lambda: mesh.process(next(it)), len(frames)))


def analysis_cycle(settings: EngineSettings = ENGINE) -> int:
    """Return the live analyser's period in frames: each such run of frames holds the same mix of full analyses
    and body-pose runs, so a mean over whole periods is the true cost per frame."""
    return max(1, settings.live_full_every) * max(1, settings.live_body_pose_every)


@dataclass
class AnalysisBench:
    """Per-frame costs of the live analysis (ms): all frames, the full analyses alone, and by stage."""

    total: Stat  # analysis + gates, every frame
    full: Stat  # analysis + gates on the frames that had the full analysis
    #: per stage, 0 on frames that skip it: the means are amortised costs. A full analysis makes the person mask
    #: (`segmentation`) on a helper thread while the face families are measured, so stages can add up to more
    #: than `total`
    stages: dict[str, Stat]
    frames: int

    @property
    def facemesh(self) -> Stat:
        """Return the analysis's own FaceMesh stage."""
        return self.stages["facemesh"]


def bench_analysis(frames: list[np.ndarray], profile: Profile, count: int | None = None,
                   shared_copy: bool = False) -> AnalysisBench:
    """Return the AnalysisBench of the live analyser over `count` frames (default: one per frame given),
    playing `frames` in a loop. `shared_copy`: hand the analyser the frame's reduced copy made beforehand, as the
    kiosk does (the screen's preview copy, `kiosk.station.worker.preview_copy`); its time is then the stage
    `preview_copy`, outside the analysis's total."""
    from capture.gates import VerdictMemo, evaluate
    from capture.live import FrameAnalyzer, freeze_start_up_heap, reduced_copy, reduction_factor

    count = len(frames) if count is None else count
    played = [frames[i % len(frames)] for i in range(count)]
    totals, fulls, per_frame = [], [], []
    with FrameAnalyzer() as analyzer:
        freeze_start_up_heap()  # as the station's worker does
        memo = VerdictMemo()
        warmup = 3
        for i, frame in enumerate(frames[:warmup] + played):
            tc = time.perf_counter()
            copy = reduced_copy(frame, reduction_factor(frame.shape[0])) if shared_copy else None
            t0 = time.perf_counter()
            result = analyzer.analyse(frame, copy)
            t1 = time.perf_counter()
            evaluate(result.measurements, profile, memo=memo)
            t2 = time.perf_counter()
            if i < warmup:
                continue
            totals.append((t2 - t0) * 1000)
            if result.complete:
                fulls.append((t2 - t0) * 1000)
            per_frame.append(dict(result.timings_ms, gates=(t2 - t1) * 1000))
            if shared_copy:
                per_frame[-1]["preview_copy"] = (t0 - tc) * 1000
    names = {name for timings in per_frame for name in timings}
    # a stage that reuses its last result on a frame costs 0 ms there: means are the amortised cost per frame
    per_stage = {k: Stat.of([t.get(k, 0.0) for t in per_frame]) for k in names}
    return AnalysisBench(Stat.of(totals), Stat.of(fulls or totals), per_stage, len(totals))



def bench_guide_fps(profile: Profile, seconds: float, size: tuple[int, int] = (1280, 720)) -> tuple[float, float]:
    """Return (guide screen frames per second, analysed frames per second) with the replay camera at `size` (W, H)."""
    from kiosk.station.loop import KioskApp
    from kiosk.station.settings import KioskOptions
    from kiosk.station.flow import State
    from capture.camera import Keyframe, ReplayCamera

    still = read_photo(find_demo_still()).rgb
    settled = (Keyframe(0.0, 0.103, 0.2777, 2.05, 0.0), Keyframe(600.0, 0.103, 0.2777, 2.05, 0.0))
    # a different subject position than the gates like (too close) keeps the kiosk in the guide state
    too_close = (Keyframe(0.0, 0.103, 0.35, 3.6, 0.0), Keyframe(600.0, 0.103, 0.35, 3.6, 0.0))
    del settled

    def factory():
        return ReplayCamera(StillMotionFrames(still, too_close, size=size, fps=30.0, noise_sigma=1.5),
                            fps=30.0, loop=True)

    marks: dict[str, float] = {}

    def on_state(app, state):
        if state is State.GUIDE:
            marks["guide"] = time.perf_counter()
            marks["frames"] = app.frames_shown

    with tempfile.TemporaryDirectory() as tmp:
        options = KioskOptions(profile=profile, camera="bench", store=Path(tmp), headless=True, skip_identify=True,
                               max_runtime_s=seconds + 4.0, fps=1000.0, source_factory=factory, arrival_s=0.0)
        app = KioskApp(options, on_state=on_state)
        app.run()
        if "guide" not in marks:
            return 0.0, 0.0
        elapsed = time.perf_counter() - marks["guide"]
        fps = (app.frames_shown - marks["frames"]) / elapsed
        analysed = app.analysed_in_guide / elapsed if elapsed > 0 else 0.0
    return fps, analysed


def bench_capture(profile: Profile, repeat: int) -> tuple[Stat, int]:
    """Return (1920×1080 frame → verified picture ms, JPEG encodes the KB search used)."""
    from capture.analyzer import StillAnalyzer
    from capture.picture import make_picture

    frame = demo_frames((1920, 1080), 1)[0]
    encodes = []
    with StillAnalyzer() as analyzer:
        def once():
            encodes.append(make_picture(frame, profile, analyzer, "bench").encoded.encodes)

        stat = Stat.of(_timed_ms(once, repeat))
    return stat, int(statistics.median(encodes))


def _photo_folder(folder: Path, count: int) -> list[Path]:
    frames = demo_frames((1280, 960), count)
    paths = []
    for i, frame in enumerate(frames):
        path = folder / f"photo{i:03d}.jpg"
        Image.fromarray(frame).save(path, quality=90)
        paths.append(path)
    return paths


def bench_throughput(profile: Profile, images: Path | None, count: int) -> tuple[float, float, int]:
    """Return (check photos per second, make photos per second, photos used)."""
    from capture.analyzer import StillAnalyzer
    from capture.check import StillChecker
    from capture.picture import make_file
    from capture.errors import PhotoError
    from kiosk.tools.batch import collect_inputs

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if images is not None:
            paths = collect_inputs([images])[0][:count]
        else:
            paths = _photo_folder(tmp_path, count)
        with StillChecker() as checker:
            checker.check_file(paths[0], profile)  # warm-up
            t0 = time.perf_counter()
            for p in paths:
                checker.check_file(p, profile)
            check_rate = len(paths) / (time.perf_counter() - t0)
        with StillAnalyzer() as analyzer:
            t0 = time.perf_counter()
            for i, p in enumerate(paths):
                try:
                    make_file(p, tmp_path / f"out{i}.jpg", profile, analyzer)
                except PhotoError:
                    pass  # refusals are part of real throughput
            make_rate = len(paths) / (time.perf_counter() - t0)
    return check_rate, make_rate, len(paths)


def bench_kiosk_process(profile_id: str, run_s: float, timeout_s: float = 60.0) -> tuple[float | None, float]:
    """Launch `idphoto kiosk` (headless, demo camera) in a fresh process; return (seconds to its first guided
    frame, the kiosk process's peak resident memory in MB after running `run_s` seconds of guidance)."""
    store = tempfile.TemporaryDirectory()  # the demo pictures must not land in this machine's real records
    cmd = [sys.executable, "-m", "kiosk.commands.main", "kiosk", "--headless", "--camera", "demo", "--skip-identify",
           "--profile", profile_id, "--startup-probe", "--max-runtime", str(timeout_s),
           "--probe-run", str(run_s), "--store", store.name]
    t0 = time.perf_counter()
    startup, peak = None, 0.0
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stdout:
            if line.startswith("first-guided-frame") and startup is None:
                startup = time.perf_counter() - t0
            elif line.startswith("peak-rss-mb"):
                peak = float(line.split()[1])  # measured by the kiosk itself (VmHWM)
        proc.wait(timeout=timeout_s)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        store.cleanup()
    return startup, peak


def run_bench(profile: Profile, frames_n: int = 60, images: Path | None = None, quick: bool = False) -> dict:
    """Return every benchmark figure as a JSON-ready dict (milliseconds unless named otherwise)."""
    n = 5 if quick else frames_n
    out: dict = {"cores": os.cpu_count(), "quick": quick, "frames": n, "profile": profile.id}
    fm640 = bench_facemesh(demo_frames((640, 480), n))
    frames720 = demo_frames((1280, 720), n)
    fm720 = bench_facemesh(frames720)
    cycles = 1 if quick else max(1, -(-2 * n // analysis_cycle()))  # whole periods, at least 2 × frames
    analysis = bench_analysis(frames720, profile, cycles * analysis_cycle())
    total, own_mesh = analysis.total, analysis.facemesh
    beyond = total.mean - own_mesh.mean  # amortised: slow stages run on some frames only
    out.update({
        "facemesh_ms_640": round(fm640.median, 2), "facemesh_ms_720": round(fm720.median, 2),
        "analysis_ms_720": round(total.median, 2),
        "analysis_mean_ms_720": round(total.mean, 2),
        "overhead_ratio": round(beyond / own_mesh.mean, 3) if own_mesh.mean > 0 else None,
        "full_analysis_ms_720": round(analysis.full.median, 2),
        "analysis_frames": analysis.frames,
        "live_full_every": ENGINE.live_full_every, "live_body_pose_every": ENGINE.live_body_pose_every,
        "facemesh_640": fm640.to_dict(), "facemesh_720": fm720.to_dict(), "analysis_720": total.to_dict(),
        "full_analysis_720": analysis.full.to_dict(),
        "analysis_stages_ms_720": {k: v.to_dict()
                                   for k, v in sorted(analysis.stages.items(), key=lambda kv: -kv[1].mean)},
    })
    out.update(bench_1080(profile, n, cycles))
    fps, analysed_fps = bench_guide_fps(profile, 2.0 if quick else 8.0)
    out["guide_fps_720"] = round(fps, 1)
    out["analysed_fps_720"] = round(analysed_fps, 1)
    fps, analysed_fps = bench_guide_fps(profile, 2.0 if quick else 8.0, (1920, 1080))
    out["guide_fps_1080"] = round(fps, 1)
    out["analysed_fps_1080"] = round(analysed_fps, 1)
    cap, encodes = bench_capture(profile, 2 if quick else 10)
    out["capture_to_picture_ms_1080"] = round(cap.median, 1)
    out["capture_to_picture_1080"] = cap.to_dict(1)
    out["kb_search_encodes"] = encodes
    check_rate, make_rate, used = bench_throughput(profile, images, 4 if quick else 40)
    out.update({"check_photos_per_s": round(check_rate, 2), "make_photos_per_s": round(make_rate, 2),
                "throughput_photos": used})
    startup, kiosk_rss = bench_kiosk_process(profile.id, 1.0 if quick else 10.0)  # 10 s: guide, capture, review
    out["startup_s"] = round(startup, 2) if startup is not None else None
    out["peak_rss_mb"] = round(kiosk_rss, 1)  # the kiosk process: models, camera, screen, capture
    out["bench_process_peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


def bench_1080(profile: Profile, n: int, cycles: int) -> dict:
    """Return the live analysis figures with a 1920×1080 camera (the analyser reads a reduced copy: capture/live.py):
    FaceMesh on the analysed frames, the analysis per frame and the work beyond the model ÷ the model (amortised),
    each with the key suffix `_1080`. As in the kiosk, the copy is made once per frame for the screen's preview and
    handed to the analyser: `overhead_ratio_1080` leaves it out, `overhead_ratio_with_copy_1080` counts it too
    (the stage `preview_copy`, ms)."""
    frames = demo_frames((1920, 1080), n)
    analysis = bench_analysis(frames, profile, cycles * analysis_cycle(), shared_copy=True)
    total, own_mesh, copy = analysis.total, analysis.facemesh, analysis.stages["preview_copy"]
    ratio = (total.mean - own_mesh.mean) / own_mesh.mean if own_mesh.mean > 0 else None
    return {"analysis_ms_1080": round(total.median, 2), "analysis_mean_ms_1080": round(total.mean, 2),
            "facemesh_in_analysis_ms_1080": round(own_mesh.mean, 2),
            "overhead_ratio_1080": round(ratio, 3) if ratio is not None else None,
            "overhead_ratio_with_copy_1080": round(ratio + copy.mean / own_mesh.mean, 3) if ratio is not None else None,
            "analysis_stages_ms_1080": {k: v.to_dict()
                                        for k, v in sorted(analysis.stages.items(), key=lambda kv: -kv[1].mean)}}


def format_bench(r: dict) -> str:
    """Return the figures as a plain-text report with the targets beside them."""
    def line(name, value, unit, target):
        return f"{name:34} {value!s:>10} {unit:8} {target}"

    lines = [f"idphoto bench on {r['cores']} cores ({'quick' if r['quick'] else r['frames']} frames), profile {r['profile']}",
             line("FaceMesh per frame 640×480", r["facemesh_ms_640"], "ms", ""),
             line("FaceMesh per frame 1280×720", r["facemesh_ms_720"], "ms", ""),
             line("analysis + gates per frame 720p", r["analysis_ms_720"], "ms", "median"),
             line("analysis + gates per frame 720p", r["analysis_mean_ms_720"], "ms", "mean (amortised)"),
             line("work beyond the model ÷ model", r["overhead_ratio"], "", "target ≤ 0.5"),
             line("full analysis frame 720p", r["full_analysis_ms_720"], "ms",
                  f"median, 1 frame in {r.get('live_full_every', '?')}"),
             line("guide screen frame rate 720p", r["guide_fps_720"], "fps", "target ≥ 30"),
             line("frames analysed per second 720p", r["analysed_fps_720"], "fps", ""),
             line("analysis + gates per frame 1080p", r["analysis_mean_ms_1080"], "ms", "mean (amortised)"),
             line("work beyond the model ÷ model 1080p", r["overhead_ratio_1080"], "", "target ≤ 0.5"),
             line("  with the preview's copy counted", r.get("overhead_ratio_with_copy_1080"), "",
                  "the copy is made once, for the screen"),
             line("guide screen frame rate 1080p", r["guide_fps_1080"], "fps", "target ≥ 30"),
             line("frames analysed per second 1080p", r["analysed_fps_1080"], "fps", ""),
             line("capture → verified picture 1080p", r["capture_to_picture_ms_1080"], "ms", "target ≤ 150"),
             line("JPEG encodes in the KB search", r["kb_search_encodes"], "", "target ≤ 7"),
             line("check throughput", r["check_photos_per_s"], "photos/s", "target ≥ 10"),
             line("make throughput", r["make_photos_per_s"], "photos/s", ""),
             line("start-up to first guided frame", r["startup_s"], "s", "target ≤ 3"),
             line("peak resident memory (kiosk)", r["peak_rss_mb"], "MB", "target ≤ 600"),
             line("peak resident memory (this bench)", r["bench_process_peak_rss_mb"], "MB", "all models at once"),
             "analysis stages (mean ms per frame): "
             + ", ".join(f"{k} {v['mean']}" for k, v in r["analysis_stages_ms_720"].items())]
    return "\n".join(lines)
