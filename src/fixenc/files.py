"""The file edge: which files a run touches, how they are read and written, one outcome each.

The CLI turns paths into `Task`s (`collect_tasks`), maps `process` over them
(`run_all`, the one place a pool could replace the plain map) and reports the
`Outcome`s in input order.  `process` is a pure top-level function of
picklable values, so it can run in another process; it never raises for bad
input: every problem becomes an outcome with a one-line message.

Reading refuses files over the size limit and files that change while being
read; writing is atomic (temp file in the same folder, mode kept, fsync,
replace) and re-checks that the file was not changed meanwhile.
"""

from __future__ import annotations

import fnmatch
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial

from .batch import WorkerPool, ordered_map
from .decoding import BINARY_MAGIC
from .errors import FixencError, InputTooLargeError, NotTextError
from .formats import repair_keeping_format
from .options import Options
from .result import Fix

MODES = ("output", "in-place", "check", "diff")
DEFAULT_MAX_SIZE = 64 * 1024 * 1024
SKIPPED_DIRECTORIES = frozenset({".git", ".hg", ".svn"})
# Temp files of atomic writes end so; one left by a killed run is never an input.
TEMP_SUFFIX = ".fixenc-tmp"
# Fix kinds that change what the text says; decoding, markup, chrome and
# whitespace only change its form, so they alone do not make a file "repaired".
REPAIR_KINDS = frozenset({"mojibake", "mojibake-lossy", "misaligned", "pinyin", "script", "width"})
STDIN = "-"
LINE_BREAK_ESCAPES = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
FOLDER_NEEDS_MODE = ("is a directory (to process a folder use --output-dir, --format json, "
                     "--in-place, --check or --diff)")


class FileChangedError(FixencError):
    """The file changed while fixenc read or repaired it; it is left as it is now."""


@dataclass(frozen=True)
class Settings:
    """Everything `process` needs besides the task; one field per option.

    mode: "output" (clean text to stdout or the output folder), "in-place"
        (repair files keeping their format), "check" or "diff" (say what
        in-place would do, write nothing).
    options: the pipeline's options (extract, script, keep_chrome, skip).
    output_format: "text" or "json" (output mode only).
    fields: JSON Lines keys to repair (all string values when empty).
    max_size: largest input in bytes; 0 means no limit.
    """

    mode: str = "output"
    options: Options = field(default_factory=Options)
    charset: str | None = None
    output_format: str = "text"
    fields: tuple[str, ...] = ()
    max_size: int = DEFAULT_MAX_SIZE

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")


@dataclass(frozen=True)
class Task:
    """One input: where to read it, what to call it, where its output goes.

    ``named`` is true for paths the user gave (false for files found in a
    folder).  ``data`` holds stdin's bytes, read by the caller.  ``error`` or
    ``skip`` is set when walking already decided the outcome.
    """

    path: str
    display: str
    named: bool = True
    output_path: str | None = None
    data: bytes | None = None
    error: str | None = None
    skip: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What happened to one input.

    status: repaired, unchanged, skipped or failed (in check and diff modes
    "repaired" means "would be repaired").  ``output`` is what goes to stdout
    for this input (text, a JSON record or a diff), ``written`` says whether
    a file was written; ``reason`` is a skip's short cause, for the summary.
    """

    path: str
    status: str
    encoding: str | None = None
    fixes: tuple[Fix, ...] = ()
    message: str | None = None
    output: bytes | None = None
    changed: bool = False
    written: bool = False
    metadata: dict = field(default_factory=dict)
    reason: str | None = None

    def to_dict(self) -> dict:
        """The `--report` record."""
        return {
            "path": self.path,
            "status": self.status,
            "encoding": self.encoding,
            "changed": self.changed,
            "written": self.written,
            "fixes": [fix.to_dict() for fix in self.fixes],
            "error": self.message if self.status == "failed" else None,
            "message": self.message,
            "reason": self.reason,
        }


def json_line(record: dict) -> str:
    """One JSON Lines record, readable UTF-8, with the characters that other tools take
    for line breaks (U+0085, U+2028, U+2029: str.splitlines, JavaScript) escaped."""
    text = json.dumps(record, ensure_ascii=False)
    return text.translate(LINE_BREAK_ESCAPES) + "\n"


def display_name(path: str) -> str:
    """The path as printable text: bytes that are not UTF-8 shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def name_is_utf8(path: str) -> bool:
    """Whether a path's bytes are UTF-8 (Linux file names are bytes and need not be)."""
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def collect_tasks(paths: Iterable[str], *, include: tuple[str, ...] = (),
                  exclude: tuple[str, ...] = (), output_dir: str | None = None,
                  output_suffix: str = ".txt", walk: bool = True) -> list[Task]:
    """Expand folders (recursively, in sorted order) into one task per file.

    ``include``/``exclude`` globs match a found file's path relative to its
    folder argument or its name; they do not filter named files.  With
    ``output_dir`` each task gets its mirrored output path; an output name
    already taken by an earlier input makes the later one fail.  Without
    ``walk`` a folder is an error (plain text on stdout would run files together).
    """
    tasks: list[Task] = []
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            if walk:
                tasks += _walk(path, include, exclude, output_dir)
            else:
                tasks.append(Task(path, display_name(path), error=FOLDER_NEEDS_MODE))
        else:
            name = "stdin" if path == STDIN else os.path.basename(path)
            tasks.append(Task(path, display_name(path), output_path=_mirror(output_dir, name)))
    return _with_output_suffix(tasks, output_suffix) if output_dir else tasks


def _walk(root: str, include: tuple[str, ...], exclude: tuple[str, ...],
          output_dir: str | None) -> Iterator[Task]:
    real_root = os.path.realpath(root)
    skip_real = os.path.realpath(output_dir) if output_dir else None
    problems: list[OSError] = []
    for folder, dirnames, filenames in os.walk(root, onerror=problems.append):
        for error in problems:
            yield _error_task(error)
        problems.clear()
        relative_folder = os.path.relpath(folder, root)
        kept_dirs = []
        for name in sorted(dirnames):
            full = os.path.normpath(os.path.join(folder, name))
            relative = os.path.normpath(os.path.join(relative_folder, name))
            if name in SKIPPED_DIRECTORIES or _matches(relative, name, exclude):
                continue
            if os.path.islink(full):
                if not _inside(os.path.realpath(full), real_root):
                    yield _skipped(full, "symlink out of the tree")
                continue
            if skip_real and os.path.realpath(full) == skip_real:
                continue
            kept_dirs.append(name)
        dirnames[:] = kept_dirs
        for name in sorted(filenames):
            full = os.path.normpath(os.path.join(folder, name))
            relative = os.path.normpath(os.path.join(relative_folder, name))
            if _matches(relative, name, exclude) or (include and not _matches(relative, name,
                                                                             include)):
                continue
            if name.endswith(TEMP_SUFFIX):
                continue
            if os.path.islink(full):
                target = os.path.realpath(full)
                if not os.path.exists(target):
                    yield _skipped(full, "broken symlink")
                elif not _inside(target, real_root):
                    yield _skipped(full, "symlink out of the tree")
                # a link inside the tree: its target is processed on its own
                continue
            yield Task(full, display_name(full), named=False,
                       output_path=_mirror(output_dir, relative))


def _skipped(full: str, reason: str) -> Task:
    return Task(full, display_name(full), named=False, skip=reason)


def _error_task(error: OSError) -> Task:
    where = str(error.filename)
    return Task(where, display_name(where), named=False, error=describe_error(error))


def _matches(relative: str, name: str, patterns: tuple[str, ...]) -> bool:
    relative = relative.replace(os.sep, "/")
    return any(fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(name, pattern)
               for pattern in patterns)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _mirror(output_dir: str | None, relative: str) -> str | None:
    return os.path.join(output_dir, relative) if output_dir else None


def _with_output_suffix(tasks: list[Task], suffix: str) -> list[Task]:
    """page.html -> page.html.txt, page.txt stays page.txt: names stay apart and recognisable."""
    taken: dict[str, str] = {}
    result = []
    for task in tasks:
        if task.output_path is None or task.skip or task.error:
            result.append(task)
            continue
        output_path = task.output_path
        if not output_path.lower().endswith(suffix):
            output_path += suffix
        key = os.path.normpath(output_path)
        if key in taken:
            error = f"output {display_name(output_path)} would overwrite the output of {taken[key]}"
            result.append(Task(task.path, task.display, task.named, None, task.data, error))
            continue
        taken[key] = task.display
        result.append(Task(task.path, task.display, task.named, output_path, task.data))
    return result


def run_all(tasks: Iterable[Task], settings: Settings, *, jobs: int | None = 1,
            scheduler: str | None = None, pool: WorkerPool | None = None) -> Iterator[Outcome]:
    """Process every task, yielding outcomes in input order.

    ``jobs`` processes (None: every core), the processes of ``pool`` or the Dask cluster at
    ``scheduler`` run the tasks, one task each; the outcomes are the same as with ``jobs=1``.
    Dask workers get absolute paths: they must see the same file system.
    """
    tasks = list(tasks)
    if scheduler:
        tasks = [replace(task, path=os.path.abspath(task.path) if task.path != STDIN else task.path,
                         output_path=task.output_path and os.path.abspath(task.output_path))
                 for task in tasks]
    if len(tasks) <= 1:
        jobs, pool = 1, None
    return ordered_map(partial(process, settings=settings), tasks, jobs=jobs,
                       scheduler=scheduler, pool=pool, chunk_items=1)


def process(task: Task, settings: Settings) -> Outcome:
    """Everything fixenc does to one input; bad input becomes a failed or skipped outcome."""
    outcome = _process(task, settings)
    if not name_is_utf8(task.path) and outcome.message is None:
        # Linux file names are bytes; one that is not UTF-8 is still processed, shown escaped.
        return replace(outcome, message="file name is not valid UTF-8 (shown with \\x escapes)")
    return outcome


def _process(task: Task, settings: Settings) -> Outcome:
    if task.error:
        return Outcome(task.display, "failed", message=task.error)
    if task.skip:
        return Outcome(task.display, "skipped", message=task.skip, reason=task.skip)
    try:
        if task.data is not None:
            data, before = task.data, None
        else:
            data, before = read_input(task.path, settings.max_size)
        if data.startswith(BINARY_MAGIC):
            # before decoding: a zero-heavy image or archive can pass for UTF-16 text
            raise NotTextError("binary file, not text")
        if settings.mode == "output":
            return _to_text(task, data, settings)
        return _keeping_format(task, data, before, settings)
    except NotTextError as error:
        if settings.mode == "output" and task.named:
            return Outcome(task.display, "failed", message=str(error))
        reason = "binary" if "binary" in str(error) else "not text in a known encoding"
        return Outcome(task.display, "skipped", message=reason, reason=reason)
    except (OSError, FixencError) as error:
        return Outcome(task.display, "failed", message=describe_error(error))
    except Exception as error:  # noqa: BLE001 - a bug must not stop the other inputs (exit 2)
        return Outcome(task.display, "failed",
                       message=f"internal error ({type(error).__name__}: {error})")


def read_input(path: str, max_size: int) -> tuple[bytes, os.stat_result]:
    """A file's bytes and its status, refusing files over ``max_size`` or changing meanwhile."""
    with open(path, "rb") as stream:
        before = os.fstat(stream.fileno())
        regular = stat.S_ISREG(before.st_mode)
        if max_size and regular and before.st_size > max_size:
            raise InputTooLargeError(_too_large(max_size))
        data = stream.read(max_size + 1 if max_size else -1)
        if max_size and len(data) > max_size:
            raise InputTooLargeError(_too_large(max_size))
        after = os.fstat(stream.fileno())
    if regular and (_identity(before) != _identity(after) or len(data) != after.st_size):
        raise FileChangedError("changed while being read; left as it is")
    return data, after


def read_stdin(stream, max_size: int) -> bytes:
    """Standard input's bytes, refused (not truncated) beyond ``max_size``."""
    data = stream.read(max_size + 1 if max_size else -1)
    if max_size and len(data) > max_size:
        raise InputTooLargeError(_too_large(max_size))
    return data


def _too_large(max_size: int) -> str:
    return f"larger than --max-size ({format_size(max_size)}); refused, not truncated"


def _identity(status: os.stat_result) -> tuple[int, int, int, int]:
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def _to_text(task: Task, data: bytes, settings: Settings) -> Outcome:
    # Imported here, in the process that repairs (see options.py).
    from .pipeline import repair_bytes

    result = repair_bytes(data, charset=settings.charset, **settings.options.kwargs())
    repaired = any(fix.kind in REPAIR_KINDS for fix in result.fixes)
    if settings.output_format == "json":
        record = {"path": task.display, **result.to_dict()}
        output = json_line(record).encode("utf-8")
    else:
        output = result.text.encode("utf-8")
    outcome = Outcome(task.display, "repaired" if repaired else "unchanged", result.encoding,
                      result.fixes, changed=repaired, metadata=result.metadata)
    if task.output_path is None:
        return replace(outcome, output=output)
    os.makedirs(os.path.dirname(task.output_path) or ".", exist_ok=True)
    write_atomically(task.output_path, output)
    return replace(outcome, written=True)


def _keeping_format(task: Task, data: bytes, before: os.stat_result | None,
                    settings: Settings) -> Outcome:
    kept = repair_keeping_format(data, task.path if task.data is None else "",
                                 charset=settings.charset, script=settings.options.script,
                                 fields=settings.fields, skip=settings.options.skip)
    if kept.note:
        return Outcome(task.display, "skipped", kept.encoding, kept.fixes, message=kept.note,
                       reason="encoding only guessed")
    outcome = Outcome(task.display, "repaired" if kept.changed else "unchanged", kept.encoding,
                      kept.fixes, changed=kept.changed)
    if settings.mode == "diff":
        return replace(outcome, output=unified_diff(kept.before, kept.after, task.display))
    if settings.mode == "check":
        return outcome
    if task.data is not None:  # stdin: the repaired stream goes to stdout
        return replace(outcome, output=kept.data)
    if not kept.changed:
        return outcome
    target = os.path.realpath(task.path)  # a named symlink stays a link to the repaired file
    write_atomically(target, kept.data, keep_mode_of=before, unchanged_since=before)
    return replace(outcome, written=True)


def unified_diff(before: str, after: str, name: str) -> bytes:
    """A unified diff of the decoded texts, as `diff -u` and patch read it."""
    if before == after:
        return b""
    import difflib  # here: only --diff needs it

    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines).encode("utf-8")


def write_atomically(path: str, data: bytes, *, keep_mode_of: os.stat_result | None = None,
                     unchanged_since: os.stat_result | None = None) -> None:
    """Replace ``path`` with ``data`` all at once; on any error the old file is untouched.

    The new content is written to an unnamed file in the same folder (Linux ``O_TMPFILE``:
    a process killed while writing leaves nothing behind), given the old file's mode,
    fsynced, then linked under a temp name and renamed over ``path`` (a rename on one file
    system).  Where unnamed files are not supported it is a named temp file from the start.
    ``unchanged_since`` refuses the replace if the file changed after it was read.
    """
    folder = os.path.dirname(path) or "."
    _remove_stale_temp_files(folder, os.path.basename(path))
    prefix = f".{os.path.basename(path)}.{os.getpid()}."
    mode = stat.S_IMODE(keep_mode_of.st_mode) if keep_mode_of is not None else None
    temp = None
    try:
        unnamed = _open_unnamed(folder)
        if unnamed is not None:
            try:
                _write_synced(unnamed, data, mode)
                temp = _link_unnamed(unnamed, folder, prefix)
            finally:
                os.close(unnamed)
        if temp is None:  # no unnamed files here, or linking one was refused
            descriptor, temp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=TEMP_SUFFIX)
            _write_synced(descriptor, data, mode, close=True)
        if unchanged_since is not None and _identity(os.stat(path)) != _identity(unchanged_since):
            raise FileChangedError("changed while being repaired; left as it is now")
        os.replace(temp, path)
    except BaseException:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
        raise


def _write_synced(descriptor: int, data: bytes, mode: int | None, *, close: bool = False) -> None:
    """Write ``data`` to the open file, give it ``mode`` and fsync it."""
    with os.fdopen(descriptor, "wb", closefd=close) as stream:
        stream.write(data)
        stream.flush()
        if mode is not None:
            os.chmod(stream.fileno(), mode)
        os.fsync(stream.fileno())


def _open_unnamed(folder: str) -> int | None:
    """A file descriptor of a new unnamed file in ``folder``, or None where not supported."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o600)
    except OSError:  # a file system without unnamed files (or an old kernel)
        return None


def _link_unnamed(descriptor: int, folder: str, prefix: str) -> str | None:
    """Give the unnamed file a temp name in ``folder``, for the rename; None if refused."""
    # A directory fd makes Python call linkat(..., AT_SYMLINK_FOLLOW), which links the file
    # behind /proc/self/fd/N; plain link() would try to link the magic symlink itself.
    root = os.open("/", os.O_RDONLY)
    try:
        for _ in range(100):
            temp = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{TEMP_SUFFIX}")
            try:
                os.link(f"/proc/self/fd/{descriptor}", temp, src_dir_fd=root,
                        follow_symlinks=True)
            except FileExistsError:
                continue
            except OSError:  # no /proc link support, a file system rule
                return None
            return temp
    finally:
        os.close(root)
    raise FileExistsError(f"no free temp name in {folder}")


def _remove_stale_temp_files(folder: str, name: str) -> None:
    """Delete temp files for ``name`` left by a run that was killed (SIGKILL, power loss).

    A temp file's name carries the pid of the run writing it; one whose process is gone
    on this machine is a leftover.  Only the file about to be replaced is looked at.
    """
    prefix = f".{name}."
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if not (entry.startswith(prefix) and entry.endswith(TEMP_SUFFIX)):
            continue
        pid = entry[len(prefix):].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        try:
            os.unlink(os.path.join(folder, entry))
        except OSError:
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else (or no permission to ask)
        return True
    return True


def describe_error(error: Exception) -> str:
    """One line for the user; no traceback, no repeated file name."""
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def format_size(size: int) -> str:
    """Bytes as the --max-size option spells them (64M, 512K, 1000)."""
    for unit, factor in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)


def parse_size(text: str) -> int:
    """'64M', '512k', '1G' or a plain byte count; 0 means no limit."""
    text = text.strip().upper().removesuffix("B")
    factor = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    number = text[:-1] if factor != 1 else text
    if not number.isdigit():
        raise ValueError(f"not a size: {text!r} (try 64M, 512K or a byte count)")
    return int(number) * factor
