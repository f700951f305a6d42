"""Child process for the crash test (tests/test_records.py): files pictures into STORE_DIR in a loop until killed.

    python tests/crash_child.py STORE_DIR [PICTURE.jpg ...]

Prints "ready" once set up, then one line per committed change, flushed at once:
"filed <identity> <status name>" after file_picture returns, "marked <identity>" after mark_recapture returns and
"locked <identity>" after lock returns. Every third round it sends an earlier filed record back for recapture and
files it again, so replacing a picture is exercised too; every fifth it locks a re-filed record (as an export does),
reopens it (audited) and files it again. It never calls recover(): the test does that between runs.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from kiosk.store.records import SqliteRecordStore, Status  # noqa: E402
from profiles import get_profile  # noqa: E402


def make_pictures(profile) -> list[bytes]:
    import numpy as np

    from capture.encode import KbWindow, encode_to_window

    out = []
    for seed in range(2):
        rng = np.random.default_rng(seed)
        y, x = np.mgrid[0:profile.height_px, 0:profile.width_px]
        base = np.stack([x * 255 / profile.width_px, y * 255 / profile.height_px, (x + y) * 128 / profile.height_px], -1)
        rgb = np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)
        out.append(encode_to_window(rgb, dpi=profile.dpi, window=KbWindow(profile.kb_min, profile.kb_max),
                                    quality_min=profile.quality_min).data)
    return out


def main(argv: list[str]) -> int:
    store = SqliteRecordStore(argv[1])
    profile = get_profile("chsi-graduation")
    pictures = [Path(p).read_bytes() for p in argv[2:]] or make_pictures(profile)
    gates = {"single_face": {"ok": True}, "eyes_open": {"ok": True}}
    n = len(store.list())
    print("ready", flush=True)
    while True:
        n += 1
        identity = f"C{n:06d}"
        store.ensure(identity, profile.id)
        store.record_attempt(identity, profile.id, {"single_face": {"ok": False}})
        record = store.file_picture(identity, profile, pictures[n % len(pictures)], gates)
        print(f"filed {identity} {record.status.name}", flush=True)
        if n % 3 == 0:
            filed = store.list(Status.FILED)
            if filed:
                again = filed[n % len(filed)].identity
                store.mark_recapture(again, "crash test: new picture wanted")
                print(f"marked {again}", flush=True)
                record = store.file_picture(again, profile, pictures[(n + 1) % len(pictures)], gates)
                print(f"filed {again} {record.status.name}", flush=True)
        if n % 5 == 0:  # an exported record reopened for re-capture and filed again
            refiled = store.list(Status.RECAPTURED)
            if refiled:
                again = refiled[n % len(refiled)].identity
                store.lock([again], reason="crash test export")
                print(f"locked {again}", flush=True)
                store.mark_recapture(again, "crash test: rejected after export", operator="crash")
                print(f"marked {again}", flush=True)
                record = store.file_picture(again, profile, pictures[n % len(pictures)], gates)
                print(f"filed {again} {record.status.name}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
