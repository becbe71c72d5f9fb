"""What the build scripts of the data shipped from wordfreq share: the source named in each
file, and how a file is written (compact JSON, gzip without a time stamp: deterministic)."""

from __future__ import annotations

import gzip
import importlib.metadata
import json
from pathlib import Path


def source_fields() -> dict[str, str]:
    return {
        "source": f"wordfreq {importlib.metadata.version('wordfreq')}",
        "licence": "wordfreq data CC-BY-SA 4.0",
    }


def write_json_gz(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(gzip.compress(payload, 9, mtime=0))
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
