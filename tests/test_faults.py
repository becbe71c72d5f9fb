"""Files survive faults; outputs stay in their folder; no network, no evaluation of input.

Each test simulates one fault and then checks the promise of docs/guarantees.md:
every original is either untouched or completely replaced, and no temp file is
left behind (after a SIGKILL the killed process cannot clean up: its temp files
have a recognisable name, are never taken as inputs by the next run, and the
next run completes the job).
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clitools import DAMAGED_TEXT, REPAIRED_TEXT, cp1252_mojibake, damaged_html, run
from conftest import REPO

import fixenc
from fixenc import files, streams
from fixenc.files import TEMP_SUFFIX, Settings, Task, write_atomically
from fixenc.streams import safe_output_name

ORIGINAL = DAMAGED_TEXT.encode("utf-8")
REPAIRED = REPAIRED_TEXT.encode("utf-8")


def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def temp_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.name.endswith(TEMP_SUFFIX))


@pytest.fixture
def damaged_file(tmp_path: Path) -> Path:
    path = tmp_path / "page.txt"
    path.write_bytes(ORIGINAL)
    os.chmod(path, 0o640)
    return path


def in_place(path: Path) -> files.Outcome:
    return files.process(Task(str(path), str(path)), Settings(mode="in-place"))


# ================================================================= faults inside one write


class HalfWriter:
    """A file whose write puts half the bytes on disk, then fails as a full disk does."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, data):
        self._stream.write(data[: len(data) // 2])
        self._stream.flush()
        enospc()

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._stream.close()


class FlushFails(HalfWriter):
    """Writes are buffered; the disk is found full when they are flushed."""

    def write(self, data):
        return self._stream.write(data)

    def flush(self):
        enospc()


@pytest.mark.parametrize("fault", ["fsync", "half-write", "flush", "replace", "chmod",
                                   "interrupt"])
def test_a_fault_during_an_atomic_write_leaves_the_original_untouched(fault, damaged_file,
                                                                       monkeypatch):
    before = damaged_file.stat()
    if fault == "fsync":
        monkeypatch.setattr(os, "fsync", enospc)
    elif fault == "half-write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: HalfWriter(real_fdopen(*a, **k)))
    elif fault == "flush":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: FlushFails(real_fdopen(*a, **k)))
    elif fault == "replace":
        monkeypatch.setattr(os, "replace", lambda *a: enospc())
    elif fault == "chmod":
        monkeypatch.setattr(os, "chmod", lambda *a, **k: enospc())
    else:
        def interrupt(*args):
            raise KeyboardInterrupt
        monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises((OSError, KeyboardInterrupt)):
        write_atomically(str(damaged_file), REPAIRED, keep_mode_of=before, unchanged_since=before)
    assert damaged_file.read_bytes() == ORIGINAL
    assert damaged_file.stat().st_mode == before.st_mode
    assert temp_files(damaged_file.parent) == []


def test_a_full_disk_during_in_place_repair_is_one_failed_outcome(damaged_file, monkeypatch):
    monkeypatch.setattr(os, "fsync", enospc)
    outcome = in_place(damaged_file)
    assert outcome.status == "failed" and not outcome.written
    assert outcome.message == "No space left on device"
    assert damaged_file.read_bytes() == ORIGINAL
    assert temp_files(damaged_file.parent) == []


def test_an_unexpected_error_in_the_pipeline_is_one_failed_outcome(damaged_file, monkeypatch):
    """A bug must not stop a batch or half-write a file: the input is left as it was."""
    def boom(*args, **kwargs):
        raise RuntimeError("bug")
    monkeypatch.setattr(files, "repair_keeping_format", boom)
    outcome = in_place(damaged_file)
    assert outcome.status == "failed" and "internal error" in outcome.message
    assert damaged_file.read_bytes() == ORIGINAL


def test_a_file_changed_during_repair_is_left_as_it_is_now(damaged_file, monkeypatch):
    real = files.repair_keeping_format

    def edit_meanwhile(*args, **kwargs):
        result = real(*args, **kwargs)
        damaged_file.write_bytes(b"edited by someone else\n")
        return result
    monkeypatch.setattr(files, "repair_keeping_format", edit_meanwhile)
    outcome = in_place(damaged_file)
    assert outcome.status == "failed" and "changed" in outcome.message
    assert damaged_file.read_bytes() == b"edited by someone else\n"
    assert temp_files(damaged_file.parent) == []


def test_in_place_on_a_full_disk_through_the_cli(tmp_path, monkeypatch):
    folder = tmp_path / "pages"
    folder.mkdir()
    for index in range(3):
        (folder / f"{index}.txt").write_bytes(ORIGINAL)
    monkeypatch.setattr(os, "fsync", enospc)
    result = run("--in-place", str(folder))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("No space left on device") == 3
    assert all(path.read_bytes() == ORIGINAL for path in folder.iterdir())
    assert temp_files(folder) == []


def test_an_output_file_is_complete_or_absent(tmp_path, monkeypatch):
    source = tmp_path / "page.txt"
    source.write_bytes(ORIGINAL)
    out = tmp_path / "out"
    monkeypatch.setattr(os, "fsync", enospc)
    result = run("--output-dir", str(out), str(source))
    assert result.exit_code == 2
    assert not (out / "page.txt").exists() and temp_files(tmp_path) == []


def test_a_stream_output_is_complete_or_absent(tmp_path, monkeypatch):
    """JSONL to --output-dir goes through a temp file; a failure midway leaves neither."""
    source = tmp_path / "crawl.jsonl"
    source.write_text(json.dumps({"text": cp1252_mojibake("café")}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    real_write = streams.ordered_map

    def fail_midway(*args, **kwargs):
        yield from real_write(*args, **kwargs)
        enospc()
    monkeypatch.setattr(streams, "ordered_map", fail_midway)
    result = run("--output-dir", str(out), "--jobs", "1", str(source))
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert temp_files(tmp_path) == []
    assert not out.exists() or not any(path.is_file() for path in out.rglob("*"))


# ================================================================= the process killed midway

KILL_FILES = 120


def _damaged_corpus(folder: Path) -> None:
    folder.mkdir()
    body = (cp1252_mojibake("Le café est prêt à Noël, où l'été dure. ") * 40 + "\n") * 8
    for index in range(KILL_FILES):
        (folder / f"page{index:03}.txt").write_text(f"{index}\n{body}", encoding="utf-8")


def _fixenc(*args: str) -> list[str]:
    return [sys.executable, "-m", "fixenc", *args]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


@pytest.mark.slow
def test_sigkill_midway_leaves_each_file_original_or_fully_repaired(tmp_path):
    expected_dir = tmp_path / "expected"
    _damaged_corpus(expected_dir)
    originals = {path.name: path.read_bytes() for path in expected_dir.iterdir()}
    subprocess.run(_fixenc("--in-place", "--jobs", "1", str(expected_dir)), env=_env(),
                   check=True, capture_output=True)
    repaired = {path.name: path.read_bytes() for path in expected_dir.iterdir()}
    assert all(repaired[name] != originals[name] for name in originals)

    target = tmp_path / "pages"
    shutil.copytree(expected_dir, target)
    for path in target.iterdir():
        path.write_bytes(originals[path.name])
    process = subprocess.Popen(_fixenc("--in-place", "--jobs", "1", str(target)), env=_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        done = sum((target / name).read_bytes() != originals[name] for name in originals)
        if done >= KILL_FILES // 4:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()

    states = {}
    for name, original in originals.items():
        data = (target / name).read_bytes()
        assert data in (original, repaired[name]), f"{name} is half-written"
        states[name] = "repaired" if data == repaired[name] else "original"
    assert 0 < list(states.values()).count("repaired") < KILL_FILES, "kill was not midway"
    left = temp_files(target)
    assert all(re.fullmatch(r"\.page\d{3}\.txt\..+\.fixenc-tmp", path.name) for path in left)

    # A check run writes nothing, not even a cleanup.
    check = subprocess.run(_fixenc("--check", str(target)), env=_env(), capture_output=True,
                           check=False)
    assert check.returncode == 1 and temp_files(target) == left
    # The next run never takes a leftover temp file for an input, finishes the job, and
    # removes the temp files of the killed run (its pid is gone) as it replaces their files.
    rerun = subprocess.run(_fixenc("--in-place", "--jobs", "1", str(target)), env=_env(),
                           capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert all((target / name).read_bytes() == repaired[name] for name in originals)
    assert temp_files(target) == []
    assert not any(str(path.name) in rerun.stderr for path in left)


def test_a_leftover_temp_file_is_never_an_input(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "page.txt").write_bytes(ORIGINAL)
    leftover = folder / f".page.txt.x1y2{TEMP_SUFFIX}"
    leftover.write_bytes(ORIGINAL[:10])
    tasks = files.collect_tasks([str(folder)])
    assert [Path(task.path).name for task in tasks] == ["page.txt"]
    run("--in-place", str(folder))
    assert leftover.read_bytes() == ORIGINAL[:10]


# ================================================================= output names stay in their folder

HOSTILE_NAMES = [
    "..", "../..", "../../etc/passwd", "/etc/passwd", "//server/share/x", "C:\\Windows\\win.ini",
    "..\\..\\boot.ini", "a/../../b", "./.", ".", "", " ", "\x00", "a\x00b", "page\x00.html",
    "x" * 300, "é" * 200, "中" * 100, "CON", "con.txt", "NUL", "nul.json", "COM1", "LPT9.log",
    "AUX.", "PRN ", "CONIN$", "\n", "a\nb", "\u202egnp.exe", "\ud800", "~", "~root/.ssh",
    "https://example.com/../../x", "http://h/%2e%2e/%2e%2e/etc", "file:///etc/shadow",
    ".hidden", "....", "a" * 255 + "/b",
]  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("suffix", ["", ".json", ".txt"])
def test_a_derived_output_name_stays_inside_the_output_folder(name, suffix, tmp_path):
    safe = safe_output_name(name, suffix)
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert safe not in (".", "..") and not safe.startswith(".")
    assert len(safe.encode("utf-8")) <= 255
    assert safe.split(".")[0].upper().rstrip(" ") not in streams.WINDOWS_RESERVED
    assert all(ch.isprintable() and ch not in "\u202e" for ch in safe)
    target = (tmp_path / safe).resolve()
    assert target.parent == tmp_path.resolve()
    target.write_bytes(b"ok")  # the file system takes it
    assert target.read_bytes() == b"ok"


def test_different_ids_never_share_an_output_name():
    names = ["a/b", "a_b", "a?b", "a b", "A/B", "..a_b", "a__b", "x" * 300, "x" * 301]
    assert len({safe_output_name(name) for name in names}) == len(names)


# ================================================================= no network, no evaluation


NETWORK_BAIT = [
    b'<!DOCTYPE html SYSTEM "http://127.0.0.1:9/x.dtd"><html><body><p>caf\xc3\xa9</p></body>',
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1:9/e">]>'
     b"<rss><channel><title>&e;</title><item><title>t</title></item></channel></rss>"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     b"<rss><channel><title>&e;</title><item><description>x</description></item></channel></rss>"),
    (b'<html><head><link rel=stylesheet href="http://127.0.0.1:9/s.css">'
     b'<script src="http://127.0.0.1:9/a.js"></script><base href="http://127.0.0.1:9/"></head>'
     b'<body><img src="http://127.0.0.1:9/i.png"><iframe src="http://127.0.0.1:9/"></iframe>'
     b"<p>text</p></body></html>"),
    (b'<html><body><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd"/>'
     b"<p>text</p></body></html>"),
]


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("fixenc opened a network connection")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize("page", NETWORK_BAIT)
@pytest.mark.parametrize("extract", ["auto", "article", "text", "none"])
def test_the_pipeline_opens_no_connection_and_reads_no_other_file(page, extract, no_network,
                                                                  monkeypatch):
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        assert "passwd" not in str(file), "fixenc opened a file named by the input"
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", guarded_open)
    result = fixenc.repair_bytes(page, extract=extract)
    assert "root:" not in result.text


def test_the_cli_on_streams_opens_no_connection(tmp_path, no_network):
    crawl = tmp_path / "crawl.jsonl"
    record = {"url": "http://127.0.0.1:9/", "text": damaged_html()}
    crawl.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = run("--jobs", "1", str(crawl))
    assert result.exit_code == 0, result.stderr


# Calls that would run or unpickle input: none may appear in the library.
EVALUATING = re.compile(
    r"(?<![.\w])(?:eval|exec|execfile|compile|__import__)\s*\(|\bbuiltins\.(?:eval|exec)\b"
    r"|\b(?:pickle|cPickle|marshal|shelve|dill|cloudpickle)\.loads?\s*\("
    r"|\byaml\.(?:unsafe_)?load\s*\(|\bos\.(?:system|popen|exec\w*|spawn\w*)\s*\("
    r"|\bsubprocess\.|\bctypes\b|\bimportlib\.import_module\s*\("
    r"|resolve_entities\s*=\s*True|no_network\s*=\s*False|huge_tree\s*=\s*True"
)


def test_the_library_never_evaluates_input():
    offending = []
    for path in sorted((REPO / "src" / "fixenc").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if EVALUATING.search(code):
                offending.append(f"{path.name}:{number}: {line.strip()}")
    assert offending == []


def test_the_grep_would_catch_evaluation():
    assert EVALUATING.search("value = eval(text)") and EVALUATING.search("exec (code)")
    assert EVALUATING.search("pickle.loads(data)")
    assert EVALUATING.search("parser = XMLParser(resolve_entities=True)")
    assert not EVALUATING.search('PATTERN = re.compile(r"x")')


def test_a_killed_runs_temp_file_is_removed_when_its_file_is_replaced(tmp_path):
    from fixenc import files

    target = tmp_path / "page.txt"
    target.write_bytes(b"old")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a pid that no longer runs
    stale = tmp_path / f".page.txt.{dead.pid}.abc123{TEMP_SUFFIX}"
    live = tmp_path / f".page.txt.{os.getppid()}.def456{TEMP_SUFFIX}"  # a writer still running
    other = tmp_path / f".other.txt.{dead.pid}.ghi789{TEMP_SUFFIX}"  # not this file's
    for path in (stale, live, other):
        path.write_bytes(b"half")
    files.write_atomically(str(target), b"new")
    assert target.read_bytes() == b"new"
    assert temp_files(tmp_path) == sorted([live, other])


@pytest.mark.slow
def test_sigterm_midway_leaves_no_temp_file_and_no_half_written_file(tmp_path):
    target = tmp_path / "pages"
    _damaged_corpus(target)
    originals = {path.name: path.read_bytes() for path in target.iterdir()}
    process = subprocess.Popen(_fixenc("--in-place", "--jobs", "1", str(target)), env=_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if sum((target / name).read_bytes() != originals[name] for name in originals) >= 10:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate()
    assert process.returncode == 128 + signal.SIGTERM
    assert b"Traceback" not in stderr
    assert temp_files(target) == []
    changed = [name for name in originals if (target / name).read_bytes() != originals[name]]
    assert 0 < len(changed) < KILL_FILES, "terminated was not midway"
    for name in changed:
        assert "café" in (target / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("unnamed", [True, False])
def test_while_the_new_content_is_written_no_named_temp_file_exists_where_supported(
        tmp_path, monkeypatch, unnamed):
    from fixenc import files

    if not unnamed:
        monkeypatch.setattr(files, "_open_unnamed", lambda folder: None)
    elif files._open_unnamed(str(tmp_path)) is None:
        pytest.skip("no O_TMPFILE on this file system")
    target = tmp_path / "page.txt"
    target.write_bytes(b"old")
    target.chmod(0o640)
    seen = []
    real_fsync = os.fsync

    def watch(descriptor):
        seen.append(temp_files(tmp_path))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", watch)
    files.write_atomically(str(target), b"new", keep_mode_of=target.stat())
    assert target.read_bytes() == b"new" and (target.stat().st_mode & 0o777) == 0o640
    assert temp_files(tmp_path) == []
    assert seen == [[]] if unnamed else len(seen[0]) == 1  # a SIGKILL here leaves nothing
