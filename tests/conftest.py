"""Shared test helpers: where the shared data lives.

The data sets (chardet corpus, ftfy cases, extraction benchmark) sit next to
the repository in ``../shared``; ``FIXENC_SHARED`` points elsewhere when the
checkout lives in another place.  Tests that need them skip when absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FIXENC_SHARED", REPO.parent / "shared"))
SAMPLES = REPO / "samples"


@pytest.fixture
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(f"shared data not found at {data} (set FIXENC_SHARED)")
    return data
