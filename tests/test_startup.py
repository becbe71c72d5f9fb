"""What a run loads: start-up is part of every run's cost, so work only a page needs waits for it."""

import gzip
import json
import math
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from clitools import make_warc

from fixenc import langmodel, precompiled, repair

SRC = str(Path(__file__).resolve().parents[1] / "src")

# Runs a --jobs 1 text stream through the CLI in this interpreter, then names the modules
# among those that only pages of markup, a process pool, UTF-8 mojibake (ftfy) or extraction
# (Chinese script and chrome lines: text fields are already extracted) need which it loaded
# anyway.
PROBE = """
import sys
from fixenc.cli import main
try:
    main([sys.argv[1], "--field", "text", "--jobs", "1", "-o", sys.argv[2]])
except SystemExit:
    pass
print(sorted(name for name in ("lxml", "fixenc.article", "multiprocessing", "concurrent.futures",
                                   "ftfy", "fixenc.chinese", "fixenc.chrome")
             if name in sys.modules))
"""


def test_clean_text_stream_with_one_job_loads_no_lxml_process_pool_or_ftfy(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "Plain café text, 中文."}\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", PROBE, str(source), str(tmp_path / "out.jsonl")],
                         capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "out.jsonl").read_bytes() == source.read_bytes()


def test_model_probabilities_are_the_quantised_log_probabilities_exponentiated() -> None:
    raw = (resources.files("fixenc") / "data" / langmodel.DATA_FILE).read_bytes()
    data = json.loads(gzip.decompress(raw))
    quant = float(data["quant"])
    languages = {language.name: language
                 for group in langmodel._model().by_script.values() for language in group}
    assert set(languages) == set(data["languages"])
    for name, table in data["languages"].items():
        language = languages[name]
        assert language.unigram == {ch: math.exp(-q / quant)
                                    for ch, q in zip(table["chars"], table["uni"])}
        bigrams = {first + second: math.exp(-ord(q) / quant)
                   for first, (seconds, qs) in table["rows"].items()
                   for second, q in zip(seconds, qs, strict=True)}
        assert language.bigram == bigrams
        for pair, probability in list(bigrams.items())[:: max(1, len(bigrams) // 500)]:
            assert language.bigram_probability(pair) == probability
        assert language.bigram_probability(next(iter(table["rows"])) + "\x00") is None
        assert language.floor == math.exp(-table["floor"] / quant)


# Runs a --jobs 2 stream through the CLI in this interpreter, then names the repair engine's
# modules that this process (the one that reads records and hands them out) loaded.
PARENT_PROBE = """
import sys
from fixenc.cli import main
try:
    main([sys.argv[1], *sys.argv[3:], "--jobs", "2", "-o", sys.argv[2]])
except SystemExit:
    pass
print(sorted(name for name in sys.modules
             if name.startswith("fixenc.") and name.split(".")[1] in ENGINE))
"""
ENGINE = ["pipeline", "repair", "langmodel", "misaligned", "wholepage", "chinese", "article"]


@pytest.mark.parametrize("kind", ["jsonl", "warc"])
def test_the_process_that_hands_out_records_loads_no_repair_engine(tmp_path: Path, kind) -> None:
    """The workers load the engine, each as a one-process run does; the reading process never
    does (that would be serial time on 2 cores)."""
    damaged = "Café naïve, déjà vu à Noël.".encode().decode("cp1252")
    if kind == "jsonl":
        source = tmp_path / "in.jsonl"
        source.write_text("".join(json.dumps({"id": number, "text": damaged}) + "\n"
                                  for number in range(50)), encoding="utf-8")
        arguments = ["--field", "text"]
    else:
        source = tmp_path / "in.warc"
        source.write_bytes(make_warc([(f"https://example.com/{number}", "text/html",
                                       f"<p>{damaged}</p>".encode()) for number in range(20)]))
        arguments = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))}
    probe = f"ENGINE = {ENGINE!r}\n" + PARENT_PROBE
    out = subprocess.run([sys.executable, "-c", probe, str(source), str(tmp_path / "out.jsonl"),
                          *arguments], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == (50 if kind == "jsonl" else 20)
    assert all("Café naïve" in json.loads(line)["text"] for line in lines)


def test_shipped_cjk_tables_are_what_the_code_pages_and_the_model_give() -> None:
    """data/cjk_signatures.json.gz must be rebuilt (scripts/build_cjk_signatures.py) whenever
    the language model or the code pairs change."""
    shipped, built = repair._load_cjk_tables(), repair._build_cjk_tables()
    assert list(shipped.pair_characters) == list(built.pair_characters)
    assert shipped.pair_characters == built.pair_characters
    assert shipped.run_chars == built.run_chars
    assert shipped.pair_shapes == built.pair_shapes
    assert shipped.signature_re.pattern == built.signature_re.pattern
    assert shipped.duplicate_pairs == built.duplicate_pairs
    assert set(shipped.duplicate_pairs) == set(repair.DUPLICATE_PAIR_CODECS)


def test_shipped_regexes_are_what_the_signatures_and_this_engine_give() -> None:
    """data/regexes.json.gz must be rebuilt (scripts/build_regexes.py) whenever a signature
    regex, the CJK tables or the interpreter's regex engine change."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    try:
        import build_regexes
    finally:
        sys.path.pop(0)
    shipped = precompiled._data()
    built = json.loads(json.dumps(build_regexes.regexes_data(shipped)))
    assert shipped["patterns"] == built["patterns"]
    assert repair._signature_gate().pattern == repair.signature_gate_pattern()
    if precompiled.engine() not in shipped["compiled"]:
        pytest.skip("no code shipped for this interpreter's regex engine")
    assert shipped["compiled"] == built["compiled"]


def test_a_regex_shipped_compiled_is_the_one_compiled_here(monkeypatch) -> None:
    if not precompiled._compiled():
        pytest.skip("no code shipped for this interpreter's regex engine")
    text = "Plain café, Ð¡Ð»Ð¾Ð²Ð¾, 瑪莉亞, 中文?日本語, ĂŁÂĄ, éè."
    gate = repair.signature_gate_pattern()
    assert gate in precompiled._compiled()
    fresh = re.compile(gate)
    shipped = precompiled.compile_regex(gate)
    assert shipped is not fresh and shipped == fresh  # equal patterns: same flags and code
    assert [m.span() for m in shipped.finditer(text)] == [m.span() for m in fresh.finditer(text)]
    assert [m.span() for m in shipped.finditer(text)]
    # Another interpreter's engine finds no code of its own and compiles the pattern.
    monkeypatch.setattr(precompiled, "engine", lambda: "another-engine")
    precompiled._compiled.cache_clear()
    try:
        assert precompiled._compiled() == {}
        assert precompiled.compile_regex(gate) is re.compile(gate)
    finally:
        monkeypatch.undo()
        precompiled._compiled.cache_clear()


WARC_PROBE = """
import io, sys
from fixenc.streams import read_warc_pages
pages = list(read_warc_pages(io.BytesIO(sys.stdin.buffer.read())))
loaded = "fsspec" in sys.modules
import fsspec
print(len(pages), loaded, fsspec.open is not None)
"""


def test_reading_a_warc_leaves_fsspec_unloaded_and_importable(tmp_path: Path) -> None:
    """warcio would import fsspec (and asyncio: ~0.1 s) only to open files by name."""
    pytest.importorskip("fsspec")
    warc = make_warc([("https://example.com/", "text/html", b"<p>caf\xc3\xa9</p>")])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", WARC_PROBE], input=warc, capture_output=True,
                         env=env, check=True)
    assert out.stdout.split() == [b"1", b"False", b"True"]
