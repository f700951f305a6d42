"""Two checks of `idphoto bench --hall` (kiosk.tools.hall_bench) besides the load:

- `claim_race`: two stations claim the same number at the same moment (a barrier), round after round: exactly one
  must win and the other must be told the winner's name.
- `bad_input`: the real `idphoto kiosk` and `idphoto records` commands started on an address that cannot be used (a
  server that cannot be reached, a malformed address, a wrong password, a database of another program, a schema
  newer than this program): each must stop with one sentence on standard error (no traceback, no password), and
  nothing may be written (the tables' row counts before and after, no local folder, nothing in the folder it was
  started in).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit


def claim_race(url: str, rounds: int = 100) -> dict:
    """Run `rounds` rounds of two stations (race-a, race-b, each its own store) claiming RACE0000, RACE0001, ...
    at once; return the counts: rounds with exactly one winner, rounds where the loser was told the winner's name,
    wins per station, and `ok` when every round had both."""
    from kiosk.store.postgres import PostgresRecordStore

    stores = [PostgresRecordStore(url, station=name) for name in ("race-a", "race-b")]
    start, results = threading.Barrier(2), [[None] * rounds, [None] * rounds]

    def contender(k: int) -> None:
        for r in range(rounds):
            start.wait()
            try:
                holder = stores[k].claim(f"RACE{r:04d}")  # None: won; else the station holding it
                results[k][r] = ("won",) if holder is None else ("told", holder)
            except Exception as exc:  # noqa: BLE001 - counted as a failed round
                results[k][r] = ("error", type(exc).__name__)
    try:
        threads = [threading.Thread(target=contender, args=(k,)) for k in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return _race_counts(results, ("race-a", "race-b"), rounds)
    finally:
        for s in stores:
            s.release()
            s.close()


def _race_counts(results: list[list], names: tuple[str, str], rounds: int) -> dict:
    """Return the race's counts from each contender's per-round outcome."""
    one_winner = told = 0
    wins = {name: 0 for name in names}
    for r in range(rounds):
        a, b = results[0][r], results[1][r]
        winners = [k for k, x in enumerate((a, b)) if x[0] == "won"]
        if len(winners) == 1:
            one_winner += 1
            wins[names[winners[0]]] += 1
            loser = (a, b)[1 - winners[0]]
            told += loser == ("told", names[winners[0]])
    return {"rounds": rounds, "one_winner": one_winner, "loser_told_winner": told, "wins": wins,
            "ok": one_winner == rounds and told == rounds}


def _sql(url: str, query: str, args: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        cur = db.execute(query, args)
        return cur.fetchall() if cur.description else []


def row_counts(url: str, schema: str) -> dict[str, int]:
    """Return {table: rows} of every table in `schema` of the database `url` names."""
    tables = [t for (t,) in _sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", (schema,))]
    return {t: int(_sql(url, f'SELECT count(*) FROM "{schema}"."{t}"')[0][0]) for t in tables}


def _in_schema(url: str, schema: str) -> str:
    """Return `url` opening the database with `schema` as its search path."""
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-c search_path={schema}')}"


def bad_cases(url: str, port: int) -> list[tuple[str, str, str]]:
    """Make the bad databases on the server at `url` and return (case, address, schema whose rows must not
    change) for each bad input."""
    from kiosk.store.open import open_store

    password = urlsplit(url).password or ""
    _sql(url, "DROP SCHEMA IF EXISTS bench_foreign CASCADE; DROP SCHEMA IF EXISTS bench_newer CASCADE")
    _sql(url, "CREATE SCHEMA bench_foreign; CREATE TABLE bench_foreign.invoices (id int, total numeric); "
              "INSERT INTO bench_foreign.invoices VALUES (1, 9.5); CREATE SCHEMA bench_newer")
    open_store(_in_schema(url, "bench_newer")).close()  # a hall store of this version, then made "newer"
    _sql(url, "UPDATE bench_newer.idphoto_schema SET version = version + 90")
    host = urlsplit(url).hostname
    return [
        ("unreachable server", f"postgresql://kiosk:{password}@{host}:{port}/idphoto", "public"),
        ("malformed address", f"postgresql://kiosk:{password}@{host}:port/idphoto", "public"),
        ("wrong password", url.replace(f":{password}@", ":not-the-password@"), "public"),
        ("database of another program", _in_schema(url, "bench_foreign"), "bench_foreign"),
        ("schema of a newer version", _in_schema(url, "bench_newer"), "bench_newer"),
    ]


def _commands(address: str, local: Path) -> list[tuple[str, list[str]]]:
    kiosk = ["kiosk", "--headless", "--camera", "demo", "--store", address, "--local", str(local),
             "--max-runtime", "30"]  # a kiosk that starts after all stops by itself
    return [("idphoto kiosk", kiosk), ("idphoto records", ["records", "--store", address]),
            ("idphoto records operators --add", ["records", "--store", address, "operators", "--add", "bench"])]


def run_refused(argv: list[str], url: str, schema: str, secret: str, env: dict[str, str]) -> dict:
    """Run `idphoto ARGV` in an empty folder; return its exit status, the sentence it printed, and whether it
    was refused cleanly: not 0, one line, no traceback, no password, nothing written."""
    before = row_counts(url, schema)
    with tempfile.TemporaryDirectory() as cwd, tempfile.TemporaryDirectory() as elsewhere:
        local = Path(elsewhere) / "station"
        argv = [a.replace("{local}", str(local)) for a in argv]
        try:
            done = subprocess.run([sys.executable, "-m", "kiosk.commands.main", *argv], cwd=cwd, env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180)
            status, out, err = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as exc:  # never shown: its text holds the command line (the password)
            status, out, err = None, _text(exc.stdout), _text(exc.stderr) + "\n(still running after 180 s)"
        made = sorted(str(p.relative_to(cwd)) for p in Path(cwd).rglob("*"))
        made += sorted(f"--local/{p.relative_to(local)}" for p in local.rglob("*")) if local.exists() else []
        made += ["--local"] if local.exists() and not any(local.iterdir()) else []
    lines = [x for x in err.splitlines() if x.strip()]
    after = row_counts(url, schema)
    clean = status not in (0, None) and len(lines) == 1 and "Traceback" not in err and secret not in err + out
    return {"exit": status, "said": lines[-1] if lines else "", "lines": len(lines),
            "first_line": lines[0] if lines else "", "rows_before": sum(before.values()),
            "rows_after": sum(after.values()), "files_made": made, "ok": clean and before == after and not made}


def _text(value: bytes | str | None) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else (value or "")


def bad_input(rig: Any, root: Path) -> list[dict]:
    """Start the kiosk and the records command on each bad address (see the module text); return one result per
    case and command."""
    from kiosk.tools.hall_bench import child_env, free_port

    secret = urlsplit(rig.url).password or ""
    out = []
    for case, address, schema in bad_cases(rig.url, free_port()):
        for command, argv in _commands(address, Path("{local}")):
            result = run_refused(argv, rig.url, schema, secret, child_env())
            result["said"] = result["said"].replace(secret, "****")  # never in a report, even if printed
            out.append({"case": case, "command": command, **result})
    return out
