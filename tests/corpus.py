"""Clean pages of the chardet corpus, strictly decoded with their folder's codec, for the tests."""

from __future__ import annotations

import html
import re
from pathlib import Path

TAG_RE = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]*>", re.DOTALL | re.IGNORECASE)


def clean_pages(data: Path, folders: dict[str, str], per_folder: int) -> list[str]:
    """The visible text of the first ``per_folder`` pages of each folder that decode strictly."""
    pages = []
    for folder, codec in folders.items():
        directory = data / "chardet-corpus" / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir())[:per_folder]:
            try:
                text = path.read_bytes().decode(codec)
            except UnicodeDecodeError:
                continue
            pages.append(html.unescape(TAG_RE.sub("\n", text)))
    return pages
