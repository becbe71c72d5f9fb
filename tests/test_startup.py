"""What a run loads: start-up is part of every run's cost, so work only a page needs waits for it."""

import gzip
import json
import math
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

from fixenc import langmodel, repair
from fixenc.pipeline import PRELOAD_TEXT, preload, repair_text

SRC = str(Path(__file__).resolve().parents[1] / "src")

# Runs a --jobs 1 text stream through the CLI in this interpreter, then names the modules
# among those that only pages of markup, a process pool or UTF-8 mojibake (ftfy) need which
# it loaded anyway.
PROBE = """
import sys
from fixenc.cli import main
try:
    main([sys.argv[1], "--field", "text", "--jobs", "1", "-o", sys.argv[2]])
except SystemExit:
    pass
print(sorted(name for name in ("lxml", "fixenc.article", "multiprocessing", "concurrent.futures",
                                   "ftfy")
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
        pairs = table["pairs"]
        assert language.unigram == {ch: math.exp(-q / quant)
                                    for ch, q in zip(table["chars"], table["uni"])}
        assert language.bigram == {pairs[2 * i : 2 * i + 2]: math.exp(-q / quant)
                                   for i, q in enumerate(table["bi"])}
        assert language.floor == math.exp(-table["floor"] / quant)


def test_preload_text_is_clean_and_preloading_changes_no_result() -> None:
    before = repair_text(PRELOAD_TEXT, extract="none")
    preload()
    assert repair_text(PRELOAD_TEXT, extract="none") == before
    assert before.text == PRELOAD_TEXT and not before.fixes


PRELOAD_PROBE = """
from fixenc import langmodel, repair
from fixenc.pipeline import preload
preload()
print(langmodel._MODEL is not None, repair._CJK_TABLES is not None)
"""


def test_preload_loads_the_model_and_the_cjk_tables_that_forked_workers_share() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", PRELOAD_PROBE], capture_output=True, text=True,
                         env=env, check=True)
    assert out.stdout.split() == ["True", "True"]


def test_shipped_cjk_tables_are_what_the_code_pages_and_the_model_give() -> None:
    """data/cjk_signatures.json.gz must be rebuilt (scripts/build_cjk_signatures.py) whenever
    the language model or the code pairs change."""
    shipped, built = repair._load_cjk_tables(), repair._build_cjk_tables()
    assert list(shipped.pair_characters) == list(built.pair_characters)
    assert shipped.pair_characters == built.pair_characters
    assert shipped.run_chars == built.run_chars
    assert shipped.pair_shapes == built.pair_shapes
    assert shipped.signature_re.pattern == built.signature_re.pattern
