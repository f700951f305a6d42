"""Exporting filed pictures as one zip for the upload site, then locking the exported records.

The zip holds, for every exported record:

    <picture name>                 the picture, named by its profile (kiosk.store.identity.picture_file_name)
    reports/<picture stem>.json    its compliance report (the file-level rules of capture.filespec, and how far
                                   inside its bands the head sits: band_margin_px and band_margins_px)
    manifest.csv                   one row per picture (UTF-8 with BOM so spreadsheet programs show Chinese)

The pictures are read through the store's `picture_bytes` (a station's folder or a hall's PostgreSQL server, the
same zip either way); `station` exports only the records whose last filing was made at that station.
The zip is written to a temporary file next to the target, re-opened and checked against the profiles and the
manifest, and only then renamed into place; only after that are the records locked. A record whose picture is
missing or does not pass is left out with a reason (`ExportReport.refused`) and keeps its status.

With a class list loaded (kiosk.store.roster), the students on it still without a picture are written beside the
zip, never inside it: `<zip stem>-missing.csv` (number, name, class, status; UTF-8 with BOM; owner-only 0600).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from PIL import Image

from capture.files import private_folder, write_atomic
from capture.filespec import FileSpec, check_file_spec
from kiosk.store.lifecycle import TransitionError
from kiosk.store.records import Record, RecordStore, Status, verify_for_profile
from kiosk.store.roster import missing_students, write_missing_csv
from profiles import get_profile
from profiles.model import Profile

__all__ = ["ExportError", "ExportReport", "MANIFEST_FIELDS", "export_batch", "compliance", "gate_summary",
           "records_json_lines"]

MANIFEST_NAME = "manifest.csv"
MANIFEST_FIELDS = ("identity", "file", "profile", "status", "time", "kb", "px", "gates")
_REPORT_ORDER = ("kb", "format", "width_px", "height_px", "ratio", "dpi")  # the file_spec keys of a report


class ExportError(RuntimeError):
    """The zip could not be made or did not check out; nothing was locked."""


@dataclass
class ExportReport:
    """What an export did. `zip_path` is None when there was nothing to export (no file is written then)."""

    zip_path: Path | None
    exported: list[str] = field(default_factory=list)  # identities, in zip order
    refused: dict[str, str] = field(default_factory=dict)  # identity -> why it was left out
    rows: list[dict] = field(default_factory=list)  # the manifest rows
    missing: int | None = None  # students on the class list without a picture after the export (None: no list)
    missing_path: Path | None = None  # the missing list written beside the zip

    def to_dict(self) -> dict:
        """Return {"zip": path or None, "exported": [identities], "refused": {identity: why}, "missing": count or
        None, "missing_csv": path or None}."""
        return {"zip": str(self.zip_path) if self.zip_path else None, "exported": self.exported,
                "refused": self.refused, "missing": self.missing,
                "missing_csv": str(self.missing_path) if self.missing_path else None}


def gate_summary(gates: Mapping[str, Mapping]) -> str:
    """Return "17/17" when every gate passed, else "15/17: name1 name2" listing the failing gates."""
    gates = {k: v for k, v in gates.items() if k != "override"}  # an operator's override is not a gate
    if not gates:
        return "no gates"
    failing = sorted(name for name, g in gates.items() if not (isinstance(g, Mapping) and g.get("ok")))
    passed = len(gates) - len(failing)
    return f"{passed}/{len(gates)}" + (f": {' '.join(failing)}" if failing else "")


def compliance(data: bytes, profile: Profile) -> dict:
    """Return the file-level checks of `data` under `profile` (capture.filespec) as the report writes them:
    {"ok", "checks": {name: {ok, value, expected}}, "problems": [codes of the failed rules]}; never raises."""
    return _compliance_doc(check_file_spec(data, profile))


def _compliance_doc(spec: FileSpec) -> dict:
    checks = {name: rule.to_dict() for name, rule in spec.listed(_REPORT_ORDER).items()}
    return {"ok": spec.ok, "checks": checks, "problems": list(spec.problems)}


def _open_store(store_dir) -> tuple[RecordStore, bool]:
    """Return (the store, whether this module opened it and must close it): an open store is used as given, a
    folder or a postgresql:// URL is opened with kiosk.store.open.open_store."""
    if hasattr(store_dir, "picture_bytes") and hasattr(store_dir, "lock"):
        return store_dir, False
    from kiosk.store.open import open_store

    return open_store(store_dir), True


def export_batch(store_dir, out_zip: str | Path,
                 statuses: Iterable[Status] = (Status.FILED, Status.RECAPTURED),
                 profile_lookup: Callable[[str], Profile] = get_profile,
                 station: str | None = None) -> ExportReport:
    """Export the records in `statuses` from the store `store_dir` (a folder, a postgresql:// URL or an open
    RecordStore) into `out_zip`, verify the zip, then lock the exported records; with `station`, only the records
    last filed at that station. See the module text."""
    statuses = [Status(s) for s in statuses]
    if Status.LOCKED in statuses:
        raise ValueError("locked records have been exported already and cannot be exported again")
    store, owned = _open_store(store_dir)
    try:
        return _export(store, Path(out_zip), statuses, profile_lookup, station)
    finally:
        if owned:
            store.close()


def _latest_gates(store: RecordStore, identity: str, picture: str | None) -> dict:
    for attempt in reversed(store.attempts(identity)):
        if attempt.accepted and attempt.picture == picture:
            return attempt.gates
    return {}


class _Margins:
    """The band margins of each exported picture (capture.check.measure_picture_margins), with the face models
    loaded at the first picture and closed by `close()`."""

    def __init__(self) -> None:
        self._analyzer = None

    def __call__(self, data: bytes, profile: Profile) -> dict:
        """Return {"band_margin_px": smallest or None, "band_margins_px": {band: px}} of picture `data`."""
        from capture.analyzer import StillAnalyzer  # here: the models load only when something is exported
        from capture.check import measure_picture_margins

        if self._analyzer is None:
            self._analyzer = StillAnalyzer()
        margins = measure_picture_margins(data, profile, self._analyzer)
        return margins.to_dict() if margins is not None else {"band_margin_px": None, "band_margins_px": {}}

    def close(self) -> None:
        if self._analyzer is not None:
            self._analyzer.close()


def _entry(store: RecordStore, record: Record, profile_lookup: Callable[[str], Profile],
           names: set[str], margins: Callable[[bytes, Profile], dict] = lambda data, p: {}
           ) -> tuple[str, bytes, dict, dict] | str:
    """Return (name, picture bytes, report json, manifest row) of one record, or why it is left out."""
    try:
        profile = profile_lookup(record.profile_id)
    except Exception as exc:
        return f"unknown profile {record.profile_id!r} ({exc})"
    data = store.picture_bytes(record) if record.picture else None
    if data is None:
        return f"the picture file {record.picture} is missing"
    result = compliance(data, profile)
    if not result["ok"]:
        return f"the picture does not meet {profile.id}: {'; '.join(verify_for_profile(data, profile))}"
    name = Path(record.picture).name
    if name in names or name == MANIFEST_NAME:
        return f"another picture in this export is already named {name}"
    names.add(name)
    gates = _latest_gates(store, record.identity, record.picture)
    with Image.open(io.BytesIO(data)) as im:
        w, h = im.size
    row = {"identity": record.identity, "file": name, "profile": profile.id, "status": record.status.value,
           "time": record.updated, "kb": f"{len(data) / 1024:.2f}", "px": f"{w}x{h}",
           "gates": gate_summary(gates)}
    doc = {"identity": record.identity, "file": name, "profile": profile.id, "status": record.status.value,
           "filed": record.updated, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
           "ok": result["ok"], "file_spec": result["checks"], "problems": result["problems"],
           "gates": gates, "gate_summary": row["gates"], **margins(data, profile),
           "override": gates.get("override"),  # an operator's accept over failed gates {"gates", "reason", "operator"}
           "exported": dt.datetime.now().isoformat(timespec="seconds")}
    return name, data, doc, row


def _write_zip(out_zip: Path, entries: list[tuple[str, bytes, dict, dict]],
               profile_lookup: Callable[[str], Profile]) -> None:
    """Write the zip of `entries` and its manifest atomically, verified before it takes its name."""
    manifest = io.StringIO()
    writer = csv.DictWriter(manifest, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
    writer.writeheader()
    for _, _, _, row in entries:
        writer.writerow(row)
    manifest_bytes = manifest.getvalue().encode("utf-8-sig")

    def write_zip(fh) -> None:
        with zipfile.ZipFile(fh, "w") as zf:
            for name, data, doc, _ in entries:
                zf.writestr(name, data, compress_type=zipfile.ZIP_STORED)
                zf.writestr(f"reports/{Path(name).stem}.json",
                            json.dumps(doc, ensure_ascii=False, indent=2), compress_type=zipfile.ZIP_DEFLATED)
            zf.writestr(MANIFEST_NAME, manifest_bytes, compress_type=zipfile.ZIP_DEFLATED)

    def check_zip(tmp: Path) -> None:
        problems = verify_zip(tmp, profile_lookup)
        if problems:
            raise ExportError("the export did not check out: " + "; ".join(problems))

    private_folder(out_zip.parent)  # 0700: an export holds pictures and numbers
    write_atomic(out_zip, write_zip, check=check_zip)


def _export(store: RecordStore, out_zip: Path, statuses: list[Status],
            profile_lookup: Callable[[str], Profile], station: str | None = None) -> ExportReport:
    report = ExportReport(None)
    entries: list[tuple[str, bytes, dict, dict]] = []  # (name, picture bytes, report json, manifest row)
    names: set[str] = set()
    records = [r for s in statuses for r in store.list(s) if station is None or r.station == station]
    margins = _Margins()
    try:
        for record in sorted(records, key=lambda r: r.identity):
            entry = _entry(store, record, profile_lookup, names, margins)
            if isinstance(entry, str):
                report.refused[record.identity] = entry
            else:
                entries.append(entry)
    finally:
        margins.close()
    if entries:
        _write_zip(out_zip, entries, profile_lookup)
        report.zip_path = out_zip
        report.exported = [row["identity"] for _, _, _, row in entries]
        report.rows = [row for _, _, _, row in entries]
        _lock_unchanged(store, out_zip, {r.identity: r for r in records}, report.exported, statuses)
    _missing(store, report)
    return report


def _state(record: Record) -> tuple:
    return record.status, record.picture, record.updated, record.attempts


def _lock_unchanged(store: RecordStore, out_zip: Path, read: Mapping[str, Record], exported: list[str],
                    statuses: list[Status]) -> None:
    """Lock the `exported` records with the export's reason, unless one of them changed since it was `read` (a
    station reopened or filed it again meanwhile, in a hall): then nothing is locked, the zip is removed (it may
    hold an older picture) and ExportError says to export again. The store's lock checks the expected status and
    attempt count inside its own transaction, so no change slips in between."""
    now = {r.identity: r for s in statuses for r in store.list(s)}
    changed = [i for i in exported if i not in now or _state(now[i]) != _state(read[i])]
    try:
        if changed:
            raise ExportError(f"{len(changed)} of the records changed at a station during the export, so none "
                              "was locked and the zip was removed; export again")
        expected = {i: (read[i].status, read[i].attempts) for i in exported}
        store.lock(exported, reason=f"export {out_zip.name}", expected=expected)
    except TransitionError as exc:  # all or none: nothing is locked
        out_zip.unlink(missing_ok=True)
        raise ExportError(f"a record changed at a station during the export ({exc.code}), so none was locked "
                          "and the zip was removed; export again") from None
    except ExportError:
        out_zip.unlink(missing_ok=True)
        raise


def missing_csv_path(out_zip: Path) -> Path:
    """Return where the missing list of export `out_zip` goes: beside it, batch-1.zip -> batch-1-missing.csv."""
    return out_zip.with_name(f"{out_zip.stem}-missing.csv")


def _missing(store: RecordStore, report: ExportReport) -> None:
    """With a class list loaded, count the students still without a picture and, when a zip was written, list
    them beside it (see the module text)."""
    if not store.roster():
        return
    missing = missing_students(store)
    report.missing = len(missing)
    if report.zip_path is not None:
        report.missing_path = write_missing_csv(missing_csv_path(report.zip_path), missing)


def verify_zip(path: str | Path, profile_lookup: Callable[[str], Profile] = get_profile) -> list[str]:
    """Re-open an export zip and return what is wrong with it (empty list: every picture matches its profile,
    its report and its manifest row)."""
    problems: list[str] = []
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad:
                return [f"{bad} is damaged in the zip"]
            names = set(zf.namelist())
            if MANIFEST_NAME not in names:
                return ["the zip has no manifest.csv"]
            rows = list(csv.DictReader(io.StringIO(zf.read(MANIFEST_NAME).decode("utf-8-sig"))))
            listed = {MANIFEST_NAME}
            for row in rows:
                name = row["file"]
                report_name = f"reports/{Path(name).stem}.json"
                listed |= {name, report_name}
                if name not in names or report_name not in names:
                    problems.append(f"{name}: the picture or its report is missing")
                    continue
                data = zf.read(name)
                doc = json.loads(zf.read(report_name))
                profile = profile_lookup(row["profile"])
                found = verify_for_profile(data, profile)
                if found:
                    problems.append(f"{name}: " + " ".join(found))
                if doc.get("sha256") != hashlib.sha256(data).hexdigest() or doc.get("identity") != row["identity"]:
                    problems.append(f"{name}: the report does not match the picture")
                if row["kb"] != f"{len(data) / 1024:.2f}":
                    problems.append(f"{name}: the manifest size does not match the picture")
            extra = names - listed
            if extra:
                problems.append(f"files not in the manifest: {', '.join(sorted(extra))}")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        problems.append(f"the zip cannot be read ({type(exc).__name__}: {exc})")
    return problems


def records_json_lines(store: RecordStore) -> Iterator[str]:
    """Yield one JSON line per record: {"identity","status","profile","picture","attempts","updated"}."""
    for r in store.list():
        yield json.dumps({"identity": r.identity, "status": r.status.value, "profile": r.profile_id,
                          "picture": r.picture, "attempts": r.attempts, "updated": r.updated}, ensure_ascii=False)
