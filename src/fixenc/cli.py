"""The `fixenc` command: maps options to `Settings`, inputs to tasks, outcomes to output and exit codes.

All work on one input happens in `files.process`; this module only walks the
inputs, runs them through `files.run_all` and reports the outcomes in input
order, counted into one summary line.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from typing import IO

import click

from .batch import BatchError, WorkerPool
from .errors import FixencError
from .files import (
    DEFAULT_MAX_SIZE,
    STDIN,
    Outcome,
    Settings,
    Task,
    collect_tasks,
    describe_error,
    format_size,
    json_line,
    parse_size,
    read_stdin,
    run_all,
)
from .options import (
    EXTRACT_MODES,
    LAYERS,
    SCRIPT_MODES,
    SENTENCE_LANGUAGES,
    SENTENCE_MODELS_ENV,
    Options,
    sentence_models,
)
from .streams import (
    FIELD_ENCODINGS,
    INPUT_FORMATS,
    StreamReport,
    StreamSettings,
    detect_format,
    process_stream,
    sniff,
)

# Inputs read record by record (output mode only: they are never rewritten in place).
STREAM_FORMATS = ("jsonl", "warc")

# A progress bar is worth its noise only for runs this long (and only on a terminal).
PROGRESS_MIN_INPUTS = 20
EXIT_DONE, EXIT_CHANGES, EXIT_ERRORS = 0, 1, 2
_BAR: list = []  # the progress bar while one is showing, so stderr lines do not break it

EPILOG = f"""\b
Modes:
  default        clean text to stdout (or -o FILE), or one text file per input
                 into --output-dir DIR (the input tree mirrored)
  --in-place     repair files where they are, keeping their format: text stays
                 text, HTML keeps its markup (only text, comments, scripts
                 and readable attribute values repaired; written as UTF-8
                 with its charset declaration updated),
                 JSON Lines keeps keys, order and untouched lines
  --check        write nothing; list the files --in-place would change
  --diff         write nothing; print what --in-place would change as a diff

\b
Exit codes:
  0  done (also when files were repaired in place, unless --exit-non-zero-on-fix)
  1  changes found with --check or --diff; files repaired with --exit-non-zero-on-fix
  2  an input could not be processed (after processing every other input),
     or a usage error

\b
Folders are walked recursively; .git, binary files and symlinks are skipped
(symlinks are never followed out of the tree). Files over --max-size
(default {format_size(DEFAULT_MAX_SIZE)}) are refused, never truncated.
"""


class SizeType(click.ParamType):
    """A byte count with an optional K/M/G suffix."""

    name = "SIZE"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


def _terminated(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _layers(ctx, param, values: tuple[str, ...]) -> frozenset[str]:
    """--skip values, repeatable or comma-separated, checked against the pipeline's layers."""
    names = {name.strip() for value in values for name in value.split(",") if name.strip()}
    unknown = sorted(names - set(LAYERS))
    if unknown:
        raise click.BadParameter(f"unknown layer {', '.join(unknown)}; "
                                 f"choose from {', '.join(LAYERS)}")
    return frozenset(names)


def _sentence_models(ctx, param, value: str) -> str:
    """--sentence-models: ko, ja, all, or several comma-separated."""
    languages, unknown = sentence_models(value or "")
    if unknown:
        raise click.BadParameter(f"unknown language {', '.join(unknown)}; "
                                 f"choose from {', '.join(SENTENCE_LANGUAGES)} or all")
    return ",".join(sorted(languages))


@click.command(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-i", "--in-place", is_flag=True,
              help="Repair files where they are, keeping their format; write only changed files.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list files that would change.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff, exit 1 if any.")
@click.option("--exit-non-zero-on-fix", is_flag=True,
              help="With --in-place: exit 1 if any file was repaired (pre-commit convention).")
@click.option("--output-dir", type=click.Path(file_okay=False),
              help="Write one text file per input here, mirroring the input tree.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write the output here instead of stdout.")
@click.option("--include", multiple=True, metavar="GLOB",
              help="In folders, only files whose relative path or name matches (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="In folders, skip files and folders that match (repeatable).")
@click.option("--field", "fields", multiple=True, metavar="NAME",
              help="JSON Lines: repair only this top-level field (repeatable; default all strings).")
@click.option("--field-encoding", type=click.Choice(FIELD_ENCODINGS), default="text",
              show_default=True, help="JSONL stream: base64 fields hold a page's raw bytes.")
@click.option("--annotate", is_flag=True,
              help="JSONL stream: add a 'fixenc' member (encoding, changed, fixes) per record.")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), default="auto",
              show_default=True, help="auto: .jsonl(.gz)/.warc(.gz) by name, stdin by its first "
              "bytes.  JSONL and WARC are streamed to JSONL record by record.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to run on.  [default: all cores]")
@click.option("--dask-scheduler", envvar="FIXENC_DASK_SCHEDULER", default=None, metavar="ADDRESS",
              help="Run on this Dask cluster, e.g. tcp://host:8786 (or $FIXENC_DASK_SCHEDULER).")
@click.option("--max-size", type=SizeType(), default=format_size(DEFAULT_MAX_SIZE),
              show_default=True, help="Refuse larger inputs (K/M/G suffixes; 0 = no limit).")
@click.option("--report", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write one JSON object per input (path, status, encoding, fixes, error).")
@click.option("-q", "--quiet", is_flag=True, help="No summary line, no progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="One line per input on stderr.")
@click.option("--explain", is_flag=True, help="Say on stderr what was detected and repaired.")
@click.option("--extract", type=click.Choice(EXTRACT_MODES), default="auto", show_default=True,
              help="article (HTML default), text (all visible text), none (markup kept).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one object per input with path, text, encoding, fixes.")
@click.option("--charset", default=None, help="Declared charset, e.g. from an HTTP header.")
@click.option("--script", type=click.Choice(SCRIPT_MODES), default="auto", show_default=True,
              help="Chinese script of the output.")
@click.option("--keep-chrome", is_flag=True, help="Keep breadcrumb, counter and badge lines.")
@click.option("--skip", "skip", multiple=True, metavar="LAYER", callback=_layers,
              help=f"Leave a repair layer alone (repeatable or comma-separated): "
              f"{', '.join(LAYERS)}.")
@click.option("--sentence-models", envvar=SENTENCE_MODELS_ENV, default="", metavar="LANGS",
              callback=_sentence_models,
              help="Choose Korean/Japanese characters that lost a byte by a sentence model: "
              "ko, ja or all (the korean/japanese extras; Korean costs ~0.5 GB and seconds per "
              f"process).  [${SENTENCE_MODELS_ENV}]")
def main(paths, in_place, check, diff, exit_non_zero_on_fix, output_dir, output, include, exclude,
         fields, field_encoding, annotate, input_format, jobs, dask_scheduler, max_size, report,
         quiet, verbose, explain, extract, output_format, charset, script, keep_chrome,
         skip, sentence_models) -> None:
    """Repair mojibake in PATHS (files, folders, or - for stdin).

    By default prints clean text as UTF-8; --in-place, --check and --diff
    repair files keeping their format instead.
    """
    # SIGTERM (a job scheduler stopping us) unwinds like Ctrl-C: a write in progress removes
    # its temp file and leaves the original untouched.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
    # Read where the repair runs (this process, its pool workers): set for both.
    os.environ[SENTENCE_MODELS_ENV] = sentence_models
    mode = _mode(in_place, check, diff, output_dir, output, exit_non_zero_on_fix)
    options = Options(extract, script, keep_chrome, skip)
    settings = Settings(mode=mode, options=options, charset=charset, output_format=output_format,
                        fields=tuple(fields), max_size=max_size)
    paths = paths or (STDIN,)
    tasks = collect_tasks(paths, include=tuple(include), exclude=tuple(exclude),
                          output_dir=output_dir,
                          output_suffix=".json" if output_format == "json" else ".txt",
                          walk=mode != "output" or bool(output_dir) or output_format == "json")
    stream_settings = StreamSettings(fields=tuple(fields), field_encoding=field_encoding,
                                     annotate=annotate, charset=charset, options=options)
    streams: dict[int, tuple[str, IO[bytes] | None]] = {}
    for number, task in enumerate(tasks):
        if task.path == STDIN:
            found, stdin = _sniff_stdin(mode, input_format)
            if found in STREAM_FORMATS:
                streams[number] = found, stdin
            else:
                tasks[number] = _with_stdin(task, max_size, stdin)
        elif found := _stream_format(task, mode, input_format):
            streams[number] = found, None
        elif mode != "output" and detect_format(task.path, b"") == "warc" and not task.error:
            tasks[number] = replace(task, skip="WARC (read only, never rewritten)")
    reporter = _Reporter(mode, quiet=quiet, verbose=verbose, explain=explain)
    with ExitStack() as stack:
        report_stream = (stack.enter_context(click.open_file(report, "w", encoding="utf-8"))
                         if report else None)
        sink = (stack.enter_context(click.open_file(output, "wb"))
                if mode in ("output", "diff") or STDIN in paths else None)
        # One set of worker processes for every input: each loads the engine once.
        workers = WorkerPool(jobs)
        stack.callback(workers.close)

        def stream_outcome(number: int) -> Outcome:
            input_format, stream = streams[number]
            return _run_stream(tasks[number], input_format, stream, sink, stream_settings,
                               scheduler=dask_scheduler, pool=workers)

        outcomes = _in_order(tasks, streams, stream_outcome,
                             lambda batch: run_all(batch, settings, scheduler=dask_scheduler,
                                                   pool=workers))
        try:
            for outcome in _progress(outcomes, len(tasks), quiet):
                if outcome.output and sink is not None:
                    sink.write(outcome.output)
                    sink.flush()
                if report_stream is not None:
                    report_stream.write(json_line(outcome.to_dict()))
                reporter.add(outcome)
        except BatchError as error:  # the pool or the cluster itself failed: nothing more can run
            _err(f"fixenc: {error}")
            sys.exit(EXIT_ERRORS)
    reporter.finish()
    sys.exit(reporter.exit_code(exit_non_zero_on_fix))


def _stream_format(task: Task, mode: str, input_format: str) -> str | None:
    """'jsonl' or 'warc' when an input is to be streamed record by record.

    Only in output mode: in place, check and diff keep a JSONL file's format (formats.py) and
    never rewrite a WARC.  A .jsonl file found in a folder stays one input (one object with
    --format json) unless --input-format says jsonl; a WARC is always a stream.
    """
    if mode != "output" or task.error or task.skip:
        return None
    found = input_format if input_format != "auto" else detect_format(task.path, b"")
    if found == "warc" or (found == "jsonl" and (task.named or input_format == "jsonl")):
        return found
    return None


def _sniff_stdin(mode: str, input_format: str) -> tuple[str, IO[bytes]]:
    """Standard input's format and a stream of it from the first byte (sniffing reads ahead)."""
    stdin = click.open_file(STDIN, "rb")
    if mode != "output" or input_format not in ("auto", *STREAM_FORMATS):
        return "text", stdin
    return sniff(STDIN, stdin, input_format)


def _in_order(tasks: list[Task], streams: dict, run_stream, run_batch) -> Iterator[Outcome]:
    """Outcomes in input order: runs of plain tasks go to the pool together, streams one by one."""
    batch: list[Task] = []
    for number, task in enumerate(tasks):
        if number not in streams:
            batch.append(task)
            continue
        yield from run_batch(batch)
        batch = []
        yield run_stream(number)
    yield from run_batch(batch)


def _run_stream(task: Task, input_format: str, stdin: IO[bytes] | None, sink: IO[bytes] | None,
                settings: StreamSettings, *, scheduler: str | None, pool: WorkerPool) -> Outcome:
    """Stream one JSONL/WARC input to the sink (or its output file); one outcome for the input."""
    try:
        with ExitStack() as stack:
            source = stdin or stack.enter_context(open(task.path, "rb"))
            if task.output_path:
                target = stack.enter_context(_atomic_output(task.output_path))
            else:
                target = sink
            stream_report = process_stream(source, input_format, target, settings,
                                           scheduler=scheduler, pool=pool)
    except (OSError, FixencError) as error:
        return Outcome(task.display, "failed", message=describe_error(error))
    for message in stream_report.errors:
        _err(f"fixenc: {task.display}: {message}")
    return _stream_outcome(task, stream_report, written=bool(task.output_path))


def _stream_outcome(task: Task, report: StreamReport, written: bool) -> Outcome:
    if report.error_count:
        status = "failed"
    else:
        status = "repaired" if report.changed else "unchanged"
    return Outcome(task.display, status, message=report.summary(), changed=bool(report.changed),
                   written=written)


class _atomic_output:
    """A file written in full or not at all: a temp file beside it, renamed on success."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> IO[bytes]:
        folder = os.path.dirname(self.path) or "."
        os.makedirs(folder, exist_ok=True)
        descriptor, self.temp = tempfile.mkstemp(dir=folder, suffix=".fixenc-tmp")
        self.stream = os.fdopen(descriptor, "wb")
        return self.stream

    def __exit__(self, kind, value, traceback) -> None:
        try:
            self.stream.close()
            if kind is None:
                os.replace(self.temp, self.path)
        finally:
            if os.path.exists(self.temp):
                os.unlink(self.temp)


def _mode(in_place: bool, check: bool, diff: bool, output_dir: str | None, output: str,
          exit_non_zero_on_fix: bool) -> str:
    """One mode from the flags, or a usage error (exit 2) for combinations that make no sense."""
    chosen = [name for name, on in (("--in-place", in_place), ("--check", check),
                                    ("--diff", diff)) if on]
    if len(chosen) > 1:
        raise click.UsageError(f"{' and '.join(chosen)} cannot be combined")
    if chosen and (output_dir or output != "-"):
        raise click.UsageError(f"{chosen[0]} writes no output file; drop --output-dir/-o")
    if output_dir and output != "-":
        raise click.UsageError("--output-dir and -o cannot be combined")
    if exit_non_zero_on_fix and not in_place:
        raise click.UsageError("--exit-non-zero-on-fix needs --in-place")
    return {"--in-place": "in-place", "--check": "check", "--diff": "diff"}.get(
        chosen[0] if chosen else "", "output")


def _with_stdin(task: Task, max_size: int, stream: IO[bytes]) -> Task:
    """Standard input is read here, once, so that processing never touches a stream."""
    try:
        return Task(task.path, task.display, output_path=task.output_path,
                    data=read_stdin(stream, max_size))
    except (OSError, FixencError) as error:
        return Task(task.path, task.display, error=describe_error(error))


def _progress(outcomes: Iterator[Outcome], total: int, quiet: bool) -> Iterator[Outcome]:
    """Outcomes as they come, with a progress bar on stderr only on a terminal for long runs."""
    if quiet or total < PROGRESS_MIN_INPUTS or not sys.stderr.isatty():
        yield from outcomes
        return
    from tqdm import tqdm

    with tqdm(total=total, file=sys.stderr, unit="file", leave=False) as bar:
        _BAR.append(bar)
        try:
            for outcome in outcomes:
                yield outcome
                bar.update()
        finally:
            _BAR.clear()


class _Reporter:
    """Prints per-input lines as outcomes arrive and counts them for the summary and exit code."""

    def __init__(self, mode: str, *, quiet: bool, verbose: bool, explain: bool) -> None:
        self.mode, self.quiet, self.verbose, self.explain = mode, quiet, verbose, explain
        self.counts: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status == "failed":
            _err(f"fixenc: {outcome.path}: {outcome.message}")
            return
        if outcome.status == "skipped":
            self.skipped[outcome.reason or "skipped"] += 1
        if outcome.written and self.mode == "in-place":
            click.echo(f"Fixing {outcome.path}")
        elif outcome.changed and self.mode == "check":
            click.echo(f"Would fix {outcome.path}")
        if self.verbose:
            _err(f"{outcome.status:<9} {outcome.path}{self._detail(outcome)}")
        elif outcome.message and not outcome.reason and not self.quiet:
            _err(f"fixenc: {outcome.path}: {outcome.message}")
        if self.explain and outcome.encoding:
            _err(f"{outcome.path}: decoded as {outcome.encoding}")
            for fix in outcome.fixes:
                _err(f"  {fix.describe()}")

    @staticmethod
    def _detail(outcome: Outcome) -> str:
        parts = [outcome.encoding] if outcome.encoding else []
        repairs = [fix for fix in outcome.fixes if fix.kind not in ("decode", "uncertain")]
        if repairs and outcome.status != "skipped":
            parts.append(f"{sum(fix.count for fix in repairs)} fixes: "
                         + ", ".join(sorted({fix.kind for fix in repairs})))
        if outcome.message:
            parts.append(outcome.message)
        return f" ({'; '.join(parts)})" if parts else ""

    def summary(self) -> str:
        """'3 repaired, 120 unchanged, 2 skipped (binary), 1 failed'."""
        repaired = "would be repaired" if self.mode in ("check", "diff") else "repaired"
        parts = [f"{self.counts['repaired']} {repaired}", f"{self.counts['unchanged']} unchanged"]
        if self.skipped:
            reasons = self.skipped.most_common()
            if len(reasons) == 1:
                parts.append(f"{reasons[0][1]} skipped ({reasons[0][0]})")
            else:
                detail = ", ".join(f"{count} {reason}" for reason, count in reasons)
                parts.append(f"{sum(self.skipped.values())} skipped ({detail})")
        if self.counts["failed"]:
            parts.append(f"{self.counts['failed']} failed")
        return ", ".join(parts)

    def finish(self) -> None:
        if not self.quiet:
            _err(self.summary())

    def exit_code(self, exit_non_zero_on_fix: bool) -> int:
        if self.counts["failed"]:
            return EXIT_ERRORS
        if self.counts["repaired"] and (self.mode in ("check", "diff") or exit_non_zero_on_fix):
            return EXIT_CHANGES
        return EXIT_DONE


def _err(line: str) -> None:
    """A line on stderr, printed above the progress bar when one is showing."""
    if _BAR:
        _BAR[0].write(line, file=sys.stderr)
    else:
        click.echo(line, err=True)
