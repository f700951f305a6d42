"""The text report of `idphoto bench --hall` (kiosk.tools.hall_bench.HallBench), for a person at a terminal; the
same figures as `--json`."""
from __future__ import annotations

from typing import Any


def _f(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        value = f"{value:.1f}"
    return f"{value}{unit}"


def format_hall(result: Any) -> str:
    """Return the hall bench's figures as lines of text (the verdict first, then load, faults, race, bad input)."""
    v, k, f = result.verify, result.kiosk_runs, result.faults_done
    load = " ".join(f"{x:.1f}" for x in result.load_before)
    lines = [
        f"hall bench: {'PASSED' if result.ok else 'FAILED'}",
        f"  {result.stations} stations x {result.pictures} pictures, {result.kiosks} kiosks x "
        f"{result.kiosk_pictures}, faults {'on' if result.faults else 'off'}; {result.cores} cores, "
        f"load before {load}",
        f"  lost {v.get('lost')}  duplicated {v.get('duplicated')}  half-written {v.get('half_written')}  "
        f"bad pictures {v.get('bad_pictures')} of {v.get('pictures_checked')} checked",
        f"  filings {v.get('filings')} in {_f(result.elapsed_s, ' s')}: {_f(v.get('filings_per_s'))} per s (the "
        f"stations alone {v.get('confirmed')} in {_f(v.get('station_window_s'), ' s')}: "
        f"{_f(v.get('station_filings_per_s'))} per s); "
        f"filing time p50 {_f(v.get('filing_ms_p50'), ' ms')}, p95 {_f(v.get('filing_ms_p95'), ' ms')} "
        f"(online only p95 {_f(v.get('online_filing_ms_p95'), ' ms')}), max {_f(v.get('filing_ms_max'), ' ms')}",
        f"  offline filings {v.get('offline_filings')}, resent {v.get('resent')}, already there "
        f"{v.get('already_there')}, conflicts {v.get('conflicts')}, outboxes not drained {v.get('not_drained')}",
        f"  station events: {v.get('events')}; refusals {v.get('refused_codes')}; station processes started "
        f"{k.get('station_starts')}, unfinished {k.get('stations_unfinished')}",
        f"  kiosks: {k.get('filed')} filed, {len(k.get('failed', []))} runs did not file, median run "
        f"{_f(k.get('median_run_s'), ' s')}; their outboxes held {k.get('outbox', {}).get('left')} filings when they "
        f"had finished (sent by the bench: {k.get('outbox', {}).get('sent')}, left {k.get('outbox', {}).get('still')})",
    ]
    for failed in k.get("failed", [])[:5]:
        lines.append(f"    {failed['identity']} (try {failed.get('attempt', 1)}): exit {failed['exit']}: "
                     f"{failed['said']}")
    if f:
        lines.append(f"  faults: {f['counts']}, stations killed {f['stations_killed']}; a dead station's claim "
                     f"freed after {_f(f['claim_free_s'], ' s')} (lease {f['lease_s']:.0f} s) {f['claim_free_note']}")
    r = result.race
    lines.append(f"  claim race: {r.get('one_winner')}/{r.get('rounds')} rounds with one winner, loser told the "
                 f"winner {r.get('loser_told_winner')}/{r.get('rounds')}, wins {r.get('wins')}")
    lines.append("  bad input at start:")
    for b in result.bad_input:
        mark = "ok " if b["ok"] else "BAD"
        lines.append(f"    {mark} {b['case']:28} {b['command']:32} exit {b['exit']}, rows "
                     f"{b['rows_before']}->{b['rows_after']}: {b['said']}")
        if not b["ok"]:
            lines.append(f"        {b['lines']} lines (first: {b['first_line'][:160]}); made {b['files_made'][:6]}")
    return "\n".join(lines)
