"""A hall server's address is never shown with its password, also when it is too malformed to parse."""
from __future__ import annotations

import pytest

from kiosk.store.postgres_url import mask_url


@pytest.mark.parametrize("url, shown", [
    ("postgresql://kiosk:secret@10.0.0.5:5433/idphoto?sslmode=require",
     "postgresql://kiosk:****@10.0.0.5:5433/idphoto?sslmode=require"),
    ("postgresql://kiosk@10.0.0.5:5433/idphoto", "postgresql://kiosk@10.0.0.5:5433/idphoto"),
    ("postgresql://kiosk:secret@[::1/idphoto", "postgresql://****@[::1/idphoto"),  # urlsplit refuses it
])
def test_the_password_is_masked(url, shown):
    assert mask_url(url) == shown
