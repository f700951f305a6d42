"""`idphoto make` over files and folders: every file processed, a progress line, a summary table."""
from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, TextIO

from capture.errors import PhotoError
from kiosk.texts import error_text
from profiles.model import Profile

#: file endings treated as photos when a folder is given (anything else in a folder is skipped)
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".heic", ".heif", ".webp", ".bmp", ".tif", ".tiff"})


@dataclass(frozen=True)
class MakeOutcome:
    """What happened to one input file."""

    source: Path
    output: Path | None
    ok: bool
    code: str  # "ok" or the PhotoError code
    message: str  # "KB, quality" when made, else the error's English sentence ("FILE: what is wrong. What to do.")
    kb: float | None = None
    quality: int | None = None
    seconds: float = 0.0


def _kind(entry: Path) -> str:
    """Return what a folder entry is: "photo", "folder", "broken_link", "not_photo" (a file with another ending)
    or "other" (a device, a pipe, a socket)."""
    if entry.is_symlink() and not entry.exists():
        return "broken_link"
    if entry.is_dir():
        return "folder"
    if entry.is_file():
        return "photo" if entry.suffix.lower() in PHOTO_SUFFIXES else "not_photo"
    return "other"


def collect_inputs(inputs: Iterable[str | Path]) -> tuple[list[Path], list[str], dict[str, int]]:
    """Return (photo files to process in order, problems with the arguments themselves, the entries of the given
    folders that were skipped, counted by kind: {"folder", "broken_link", "not_photo", "other"} -> count, only
    kinds that occurred). Subfolders are not entered."""
    files: list[Path] = []
    problems: list[str] = []
    skipped: Counter[str] = Counter()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for entry in sorted(path.iterdir()):
                kind = _kind(entry)
                if kind == "photo":
                    files.append(entry)
                else:
                    skipped[kind] += 1
        elif path.exists() or path.suffix:
            files.append(path)  # a missing file is reported by the reader, with its reason
        else:
            problems.append(f"{path}: no such file or folder.")
    order = ("folder", "broken_link", "not_photo", "other")
    return files, problems, {kind: skipped[kind] for kind in order if skipped[kind]}


def output_paths(files: list[Path], output: Path | None, single_target: bool) -> list[Path]:
    """Return one distinct output path per input: `output` itself for a single .jpg target, else DIR/stem.jpg."""
    if single_target and output is not None:
        return [output]
    folder = output if output is not None else Path("pictures")
    taken: set[str] = set()
    paths = []
    for src in files:
        name, n = f"{src.stem}.jpg", 2
        while name.lower() in taken:
            name, n = f"{src.stem}-{n}.jpg", n + 1
        taken.add(name.lower())
        paths.append(folder / name)
    return paths


class Progress:
    """A one-line progress bar on a terminal; plain lines otherwise (logs, CI)."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 28) -> None:
        # sys.stderr is looked up now, not when this module was imported (it may have been replaced since)
        self.total, self.stream, self.width = total, stream if stream is not None else sys.stderr, width
        self.tty = self.stream.isatty()

    def update(self, done: int, outcome: MakeOutcome) -> None:
        filled = int(self.width * done / max(self.total, 1))
        bar = "#" * filled + "-" * (self.width - filled)
        status = "ok" if outcome.ok else outcome.code
        line = f"[{bar}] {done}/{self.total} {outcome.source.name}: {status}"
        if self.tty:
            self.stream.write("\r\x1b[2K" + line + ("\n" if done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def run_batch(
    files: list[Path],
    outputs: list[Path],
    profile: Profile,
    make_one: Callable[[Path, Path], tuple[float, int]],
    progress: Progress | None = None,
) -> list[MakeOutcome]:
    """Process every file with `make_one(src, dst) -> (kb, quality)`; one failure never stops the batch."""
    outcomes = []
    for i, (src, dst) in enumerate(zip(files, outputs), start=1):
        t0 = time.perf_counter()
        try:
            if dst.resolve() == src.resolve():
                raise PhotoError(src, "would_overwrite_input")
            kb, quality = make_one(src, dst)
            outcome = MakeOutcome(src, dst, True, "ok", f"{kb:.1f} KB, quality {quality}", kb, quality,
                                  time.perf_counter() - t0)
        except PhotoError as exc:
            outcome = MakeOutcome(src, None, False, exc.code, error_text(exc, "en"), seconds=time.perf_counter() - t0)
        outcomes.append(outcome)
        if progress:
            progress.update(i, outcome)
    return outcomes


def summary_table(outcomes: list[MakeOutcome], profile: Profile) -> str:
    """Return a plain-text table of the outcomes and the totals, one row per input file."""
    rows = [("file", "result", "KB", "q", "detail")]
    for o in outcomes:
        detail = str(o.output) if o.ok else o.message.split(": ", 1)[-1]
        rows.append((o.source.name, "ok" if o.ok else o.code, f"{o.kb:.1f}" if o.kb else "", str(o.quality or ""), detail))
    widths = [min(max(len(r[i]) for r in rows), 40) for i in range(4)]
    lines = ["  ".join(r[i][:40].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
    lines.insert(1, "-" * (sum(widths) + 8 + 20))
    ok = sum(o.ok for o in outcomes)
    reasons = Counter(o.code for o in outcomes if not o.ok)
    if reasons:
        lines.append("refused by reason: " + ", ".join(f"{code} {n}" for code, n in reasons.most_common()))
    lines.append(f"{ok} of {len(outcomes)} made for {profile.id} ({profile.width_px}×{profile.height_px}, "
                 f"{profile.kb_min:g}–{profile.kb_max:g} KB); {len(outcomes) - ok} refused.")
    return "\n".join(lines)
