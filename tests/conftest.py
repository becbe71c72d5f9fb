"""Shared test helpers: where the shared data lives.

The data sets (chardet corpus, ftfy cases, extraction benchmark) sit next to
the repository in ``../shared``; ``FIXENC_SHARED`` points elsewhere when the
checkout lives in another place.  Tests that need them skip when absent.
"""

from __future__ import annotations

import os
import subprocess
import sys
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


def run_cli(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m fixenc`` as a user would, on this checkout's sources."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "src"),
                                                                     os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "fixenc", *args], check=False, input=stdin,
                          capture_output=True, cwd=cwd or REPO, env=env)
