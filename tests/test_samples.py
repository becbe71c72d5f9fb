"""The samples: real damaged inputs, each with the output fixenc must print beside it."""

from __future__ import annotations

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)
import pytest
from conftest import SAMPLES, run_cli

import fixenc
from fixenc.decoding import WEB_READINGS

INPUTS = sorted(p for p in SAMPLES.iterdir()
                if p.suffix in (".txt", ".html") and not p.name.endswith(".expected.txt"))

# Damaged samples and the bad decode that made them: undoing it gives the clean page.
DAMAGE = {
    "utf8-read-as-cp1252.html": "sloppy-windows-1252",
    "utf8-read-as-cp1252-quotes.txt": "sloppy-windows-1252",
    "utf8-read-as-gbk.txt": "gb18030",
}


def expected_for(sample):
    return sample.with_name(sample.name.rsplit(".", 1)[0] + ".expected.txt")


def test_every_sample_has_an_expected_output():
    assert len(INPUTS) >= 8
    assert all(expected_for(p).exists() for p in INPUTS)


@pytest.mark.parametrize("sample", INPUTS, ids=lambda p: p.name)
def test_cli_prints_the_expected_output(sample):
    out = run_cli(str(sample))
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode("utf-8") == expected_for(sample).read_text(encoding="utf-8")


@pytest.mark.parametrize("name,bad_codec", sorted(DAMAGE.items()))
def test_damaged_sample_comes_out_as_its_clean_page_would(name, bad_codec):
    damaged = (SAMPLES / name).read_text(encoding="utf-8")
    clean = damaged.encode(bad_codec).decode("utf-8")
    assert clean != damaged
    assert fixenc.repair_text(damaged).text == fixenc.repair_text(clean).text
    assert fixenc.repair_text(damaged, extract="none").text == clean


@pytest.mark.parametrize("name", sorted(DAMAGE))
def test_damaged_sample_is_explained(name):
    out = run_cli("--explain", str(SAMPLES / name))
    explanation = out.stderr.decode("utf-8")
    # The codec pair is named: the bad decode undone, then UTF-8.
    bad = ("gb18030",) if "gbk" in name else ("1252", "latin-1")
    repairs = [line for line in explanation.splitlines() if line.strip().startswith("mojibake:")]
    assert repairs and all("utf-8" in line and any(c in line for c in bad) for line in repairs)
    assert all("confidence" in line for line in repairs)


@pytest.mark.parametrize("name", ["clean-utf8.html", "cp1251-article.txt", "gbk-news.html",
                                  "shift-jis-news.html"])
def test_clean_pages_keep_their_text(name):
    data = (SAMPLES / name).read_bytes()
    result = fixenc.repair_bytes(data, extract="none")
    assert not [fix for fix in result.fixes if fix.kind != "decode"]
    # Read as browsers read the code page (Shift_JIS 817C is U+FF0D there, not U+2212).
    assert result.text.encode(WEB_READINGS.get(result.encoding, result.encoding)) == data
