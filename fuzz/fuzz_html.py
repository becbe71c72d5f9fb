"""Fuzz HTML extraction: ``article.extract_article`` and ``markup.html_to_text`` on any text.

Neither may raise anything on any str (lone surrogates and controls
included); both give text.  Run for ten minutes (see docs/guarantees.md):

    python fuzz/fuzz_html.py -max_total_time=600 -timeout=30 /tmp/corpus fuzz/seeds/html
"""

from __future__ import annotations

import sys

import atheris
from common import check_text

with atheris.instrument_imports(include=["fixenc"]):
    from fixenc.article import extract_article
    from fixenc.markup import html_to_text


def test_one_input(data: bytes) -> None:
    # UTF-8 keeps the markup the fuzzer finds readable; surrogateescape lets
    # any byte through as a lone surrogate, which lxml cannot take.
    html = data.decode("utf-8", "surrogateescape")
    article = extract_article(html)
    check_text(article.text)
    text, _ = html_to_text(html)
    check_text(text)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
