"""Runs every atheris harness under fuzz/ for a bounded time (CI); a crash or hang fails.

Each harness runs as a subprocess for ``FUZZ_SECONDS`` (default 20; set
``FIXENC_FUZZ_SECONDS`` for a longer local run) on a temporary corpus seeded
from ``fuzz/seeds/<name>``, so the checkout is never written to.  libFuzzer's
``-timeout`` turns an input that runs too long into a reported hang, and
``-rss_limit_mb`` a runaway allocation into a reported crash; the input is saved
and printed, to become a regression test.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest
from conftest import REPO

FUZZ = REPO / "fuzz"
HARNESSES = sorted(path.stem.removeprefix("fuzz_") for path in FUZZ.glob("fuzz_*.py"))
FUZZ_SECONDS = int(os.environ.get("FIXENC_FUZZ_SECONDS", "20"))
# One input may take this long before libFuzzer calls it a hang.  Generous:
# the machine is shared and the input is at most MAX_LEN bytes.
HANG_SECONDS = 60
MAX_LEN = 16384
RSS_LIMIT_MB = 2048
# CI mutates from a fixed seed, so a red run is reproducible; FIXENC_EXPLORE=1 draws a new one.
SEED_ARGS = [] if os.environ.get("FIXENC_EXPLORE") == "1" else ["-seed=1"]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None,
    reason="atheris is not installed (pip install atheris; Linux/macOS, CPython <= 3.11 wheels)",
)


@pytest.mark.slow
@pytest.mark.parametrize("name", HARNESSES)
def test_fuzz_harness_finds_nothing(name, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    command = [
        sys.executable, str(FUZZ / f"fuzz_{name}.py"),
        f"-max_total_time={FUZZ_SECONDS}", f"-timeout={HANG_SECONDS}", f"-max_len={MAX_LEN}",
        f"-rss_limit_mb={RSS_LIMIT_MB}", f"-artifact_prefix={tmp_path}/", "-print_final_stats=1",
        *SEED_ARGS, str(corpus),
    ]  # fmt: skip
    seeds = FUZZ / "seeds" / name
    if seeds.is_dir():
        command.append(str(seeds))
    dictionary = FUZZ / f"{name}.dict"
    if not dictionary.exists():
        dictionary = FUZZ / "html.dict"
    command.append(f"-dict={dictionary}")
    run = subprocess.run(command, check=False, cwd=FUZZ, capture_output=True, text=True,
                         errors="replace", timeout=FUZZ_SECONDS + 10 * HANG_SECONDS)
    found = sorted(tmp_path.glob("crash-*")) + sorted(tmp_path.glob("timeout-*")) + sorted(
        tmp_path.glob("oom-*"))
    details = "\n".join(f"{path.name}: {path.read_bytes()[:2000]!r}" for path in found)
    assert run.returncode == 0 and not found, f"{details}\n{run.stderr[-6000:]}"
    assert "Done" in run.stderr, run.stderr[-2000:]
