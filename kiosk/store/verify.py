"""The file check every picture passes before it is filed or exported: the profile's pixels, dpi, KB and format."""
from __future__ import annotations

from capture.filespec import check_file_spec
from profiles.model import Profile


def verify_for_profile(data: bytes, profile: Profile) -> list[str]:
    """Return the file-level problems of `data` under `profile` (empty list: fine), one per failed rule of
    capture.filespec: "CODE VALUE (expected LIMIT)"."""
    return [f"{rule.code} {rule.value} (expected {rule.limit})" for rule in check_file_spec(data, profile).rules
            if not rule.ok]
