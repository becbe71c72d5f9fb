"""Bad input: one line each, the documented exit code, and every other input still processed."""

from __future__ import annotations

import gzip
import json
import os
import sys

import pytest
from clitools import CLEAN_TEXT, DAMAGED_TEXT, REPAIRED_TEXT, run

from fixenc import files

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(200)
GZIP = gzip.compress(DAMAGED_TEXT.encode() * 20)


@pytest.fixture
def good(tmp_path):
    """A damaged file that must still be repaired whatever else goes wrong."""
    path = tmp_path / "good.txt"
    path.write_text(DAMAGED_TEXT)
    return path


def test_missing_path(tmp_path, good):
    result = run("--in-place", str(tmp_path / "missing.txt"), str(good))
    assert result.exit_code == 2
    assert f"fixenc: {tmp_path / 'missing.txt'}: no such file" in result.stderr.splitlines()
    assert good.read_text() == REPAIRED_TEXT
    assert result.stderr.splitlines()[-1] == "1 repaired, 0 unchanged, 1 failed"


def test_permission_error_simulated(tmp_path, good, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text(DAMAGED_TEXT)
    real_open = open

    def guarded_open(path, *args, **kwargs):
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files, "open", guarded_open, raising=False)
    result = run("--in-place", str(locked), str(good))
    assert result.exit_code == 2
    assert f"fixenc: {locked}: permission denied" in result.stderr
    assert locked.read_text() == DAMAGED_TEXT and good.read_text() == REPAIRED_TEXT


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="root (or Windows) reads files whatever their mode")
def test_permission_error_for_real(tmp_path, good):
    locked = tmp_path / "locked.txt"
    locked.write_text(DAMAGED_TEXT)
    locked.chmod(0)
    try:
        result = run("--check", str(locked), str(good))
    finally:
        locked.chmod(0o644)
    assert result.exit_code == 2 and "permission denied" in result.stderr


def test_folder_that_cannot_be_listed_is_reported(tmp_path, good, monkeypatch):
    def failing_walk(top, onerror=None, **kwargs):
        onerror(PermissionError(13, "Permission denied", str(tmp_path / "secret")))
        yield str(tmp_path), [], ["good.txt"]

    monkeypatch.setattr(files.os, "walk", failing_walk)
    result = run("--in-place", str(tmp_path))
    assert result.exit_code == 2
    assert f"fixenc: {tmp_path / 'secret'}: permission denied" in result.stderr
    assert good.read_text() == REPAIRED_TEXT


@pytest.mark.parametrize("name, data", [("photo.png", PNG), ("page.txt.gz", GZIP),
                                        ("paper.pdf", PDF)])
def test_binary_files_are_skipped_never_repaired(tmp_path, good, name, data):
    binary = tmp_path / name
    binary.write_bytes(data)
    walked = run("--in-place", "-v", str(tmp_path))
    assert walked.exit_code == 0 and binary.read_bytes() == data
    assert f"skipped   {binary} (binary)" in walked.stderr
    assert walked.stderr.splitlines()[-1] == "1 repaired, 0 unchanged, 1 skipped (binary)"
    named = run("--check", str(binary))
    assert named.exit_code == 0 and "1 skipped (binary)" in named.stderr


def test_binary_file_named_for_text_output_is_an_error(tmp_path, good):
    binary = tmp_path / "photo.png"
    binary.write_bytes(PNG)
    result = run(str(binary), str(good))
    assert result.exit_code == 2
    assert f"fixenc: {binary}: binary file, not text" in result.stderr
    assert result.stdout.strip() == REPAIRED_TEXT.strip()


def test_empty_file_is_unchanged(tmp_path, good):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("--in-place", str(empty), str(good))
    assert result.exit_code == 0 and empty.read_bytes() == b""
    assert result.stderr.splitlines()[-1] == "1 repaired, 1 unchanged"


def test_file_name_that_is_not_utf8(tmp_path, good):
    name = os.fsdecode(b"caf\xe9.txt")
    odd = tmp_path / name
    try:
        odd.write_text(DAMAGED_TEXT)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    report = tmp_path.parent / f"{tmp_path.name}.report"
    result = run("--in-place", "--report", str(report), str(tmp_path))
    assert result.exit_code == 0
    assert odd.read_text() == REPAIRED_TEXT and good.read_text() == REPAIRED_TEXT
    shown = f"{tmp_path}/caf\\xe9.txt"
    assert f"Fixing {shown}" in result.stdout
    assert f"fixenc: {shown}: file name is not valid UTF-8" in result.stderr
    paths = [json.loads(line)["path"] for line in report.read_text(encoding="utf-8").splitlines()]
    assert shown in paths


def test_file_changing_while_read_is_left_alone(tmp_path, good, monkeypatch):
    growing = tmp_path / "growing.txt"
    growing.write_text(DAMAGED_TEXT)
    real_open = open

    class AppendsWhileRead:
        """Another writer appends to the file while fixenc reads it."""

        def __init__(self, stream):
            self.stream = stream

        def read(self, *args):
            data = self.stream.read(*args)
            with real_open(growing, "ab") as writer:
                writer.write(b"more\n")
            return data

        def __getattr__(self, name):
            return getattr(self.stream, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

    def racing_open(path, *args, **kwargs):
        stream = real_open(path, *args, **kwargs)
        return AppendsWhileRead(stream) if str(path) == str(growing) else stream

    monkeypatch.setattr(files, "open", racing_open, raising=False)
    result = run("--in-place", str(growing), str(good))
    assert result.exit_code == 2
    assert f"fixenc: {growing}: changed while being read; left as it is" in result.stderr
    assert growing.read_text() == DAMAGED_TEXT + "more\n"
    assert good.read_text() == REPAIRED_TEXT


def test_file_changing_while_repaired_is_not_overwritten(tmp_path, good, monkeypatch):
    target = tmp_path / "busy.txt"
    target.write_text(DAMAGED_TEXT)
    real_repair = files.repair_keeping_format

    def repair_while_someone_writes(data, name="", **kwargs):
        if name == str(target):
            target.write_text("someone else's new content\n")
        return real_repair(data, name, **kwargs)

    monkeypatch.setattr(files, "repair_keeping_format", repair_while_someone_writes)
    result = run("--in-place", str(target), str(good))
    assert result.exit_code == 2 and "changed while being repaired" in result.stderr
    assert target.read_text() == "someone else's new content\n"
    assert good.read_text() == REPAIRED_TEXT
    assert sorted(path.name for path in tmp_path.iterdir()) == ["busy.txt", "good.txt"]


def test_file_larger_than_max_size_is_refused_not_truncated(tmp_path, good):
    big = tmp_path / "big.txt"
    big.write_text(DAMAGED_TEXT * 200)
    result = run("--in-place", "--max-size", "1K", str(big), str(good))
    assert result.exit_code == 2
    assert f"fixenc: {big}: larger than --max-size (1K); refused, not truncated" in result.stderr
    assert big.read_text() == DAMAGED_TEXT * 200 and good.read_text() == REPAIRED_TEXT
    assert run("--in-place", "--max-size", "0", str(big)).exit_code == 0
    assert big.read_text() == REPAIRED_TEXT * 200


def test_stdin_larger_than_max_size_is_refused():
    result = run("--max-size", "100", input=DAMAGED_TEXT.encode() * 10)
    assert result.exit_code == 2 and result.stdout == ""
    assert "fixenc: -: larger than --max-size (100); refused, not truncated" in result.stderr


def test_default_max_size_is_documented():
    assert files.DEFAULT_MAX_SIZE == 64 * 1024 * 1024
    assert "[default: 64M]" in run("--help").stdout


def test_jsonl_with_a_line_that_is_not_json_is_left_alone(tmp_path, good):
    broken = tmp_path / "rows.jsonl"
    data = '{"text": "cafÃ©"}\nnot json\n'.encode()
    broken.write_bytes(data)
    result = run("--in-place", str(broken), str(good))
    assert result.exit_code == 2
    assert f"fixenc: {broken}: line 2 is not JSON" in result.stderr
    assert broken.read_bytes() == data and good.read_text() == REPAIRED_TEXT


def test_unexpected_bug_is_one_line_not_a_traceback(tmp_path, good, monkeypatch):
    real_repair = files.repair_keeping_format

    def buggy(data, name="", **kwargs):
        if name.endswith("bug.txt"):
            raise KeyError("oops")
        return real_repair(data, name, **kwargs)

    (tmp_path / "bug.txt").write_text(CLEAN_TEXT)
    monkeypatch.setattr(files, "repair_keeping_format", buggy)
    result = run("--in-place", str(tmp_path))
    assert result.exit_code == 2 and "internal error (KeyError" in result.stderr
    assert good.read_text() == REPAIRED_TEXT


def test_walking_skips_git_follows_globs_and_stays_inside_the_tree(tmp_path):
    tree = tmp_path / "tree"
    outside = tmp_path / "outside"
    (tree / ".git").mkdir(parents=True)
    (tree / "keep").mkdir()
    (tree / "vendor").mkdir()
    outside.mkdir()
    for path in (tree / ".git" / "x.txt", tree / "keep" / "a.txt", tree / "keep" / "a.md",
                 tree / "vendor" / "b.txt", outside / "o.txt"):
        path.write_text(DAMAGED_TEXT)
    (tree / "link-out.txt").symlink_to(outside / "o.txt")
    (tree / "dir-out").symlink_to(outside)
    (tree / "link-in.txt").symlink_to(tree / "keep" / "a.txt")
    (tree / "broken.txt").symlink_to(tmp_path / "nowhere")
    result = run("--check", "-v", "--include", "*.txt", "--exclude", "vendor", str(tree))
    assert result.exit_code == 1
    assert result.stdout == f"Would fix {tree / 'keep' / 'a.txt'}\n"
    assert result.stderr.splitlines()[-1] == (
        "1 would be repaired, 0 unchanged, 3 skipped (2 symlink out of the tree, 1 broken symlink)")
    assert (outside / "o.txt").read_text() == DAMAGED_TEXT
