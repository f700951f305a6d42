"""Child process for the outbox crash test (tests/kiosk/store/test_outbox.py): a station with a HallStore that
files rounds of pictures into its outbox as HallStore.file_picture does while the cable is cut (same capture id
rule, offline=True) and resends them after every round, until killed: the kill lands between "filed locally" and
"sent", or in the middle of a resend.

    python tests/kiosk/store/outbox_child.py URL LOCAL FIRST [hold]

With "hold" the first filing the server accepts is not marked sent: the child prints "between" and waits to be
killed there (the server has it, the outbox does not know), the worst moment for exactly-once.

Prints "ready" once open (after recover(), as a station starts), then flushed at once: "filed <identity>" after the
outbox's file_picture returns, "sending" before each resend, "resent <sent> <already>" after it returns.
Identities count up from FIRST.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from kiosk.store.outbox import HallStore, new_capture_id  # noqa: E402
from profiles import get_profile  # noqa: E402
from tests.kiosk.store.crash_child import make_pictures  # noqa: E402


def _hold_before_the_first_mark() -> None:
    import time

    from kiosk.store import outbox_db

    mark = outbox_db.mark

    def hold(outbox, item, state, *args, **kwargs):
        if state == "sent":
            print("between", flush=True)
            time.sleep(60)
        mark(outbox, item, state, *args, **kwargs)

    outbox_db.mark = hold


def main(argv: list[str]) -> int:
    profile = get_profile("chsi-graduation")
    pictures = make_pictures(profile)
    store = HallStore(argv[1], Path(argv[2]), station="crash-1")
    store.recover()
    gates = {"single_face": {"ok": True}}
    if argv[4:] == ["hold"]:
        _hold_before_the_first_mark()
    print("ready", flush=True)
    n = int(argv[3])
    while True:
        for _ in range(6):
            identity = f"{n:07d}"
            store.outbox.file_picture(identity, profile, pictures[n % 2], gates, capture_id=new_capture_id(),
                                      offline=True)
            print(f"filed {identity}", flush=True)
            n += 1
        print("sending", flush=True)
        report = store.resend()
        print(f"resent {report.sent} {report.already_there}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
