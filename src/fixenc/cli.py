"""The `fixenc` command: maps options to the pipeline and results to output and exit codes.

Exit codes: 0 done; 2 an input (or a record of a JSONL/WARC stream) could not be processed
(after processing the others).
"""

from __future__ import annotations

import json
import os
import sys
from functools import partial

import click

from . import langmodel
from .batch import ordered_map
from .errors import FixencError
from .pipeline import EXTRACT_MODES, SCRIPT_MODES, repair_bytes
from .result import Result
from .streams import (
    FIELD_ENCODINGS,
    INPUT_FORMATS,
    StreamSettings,
    detect_format,
    open_input,
    process_stream,
)

STREAM_FORMATS = ("jsonl", "warc")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write the output here instead of stdout.")
@click.option("--explain", is_flag=True, help="Say on stderr what was detected and repaired.")
@click.option("--extract", type=click.Choice(EXTRACT_MODES), default="auto", show_default=True,
              help="article (HTML default), text (all visible text), none (markup kept).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one object per input with path, text, encoding, fixes.")
@click.option("--charset", default=None, help="Declared charset, e.g. from an HTTP header.")
@click.option("--script", type=click.Choice(SCRIPT_MODES), default="auto", show_default=True,
              help="Chinese script of the output.")
@click.option("--keep-chrome", is_flag=True, help="Keep breadcrumb, counter and badge lines.")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), default="auto",
              show_default=True,
              help="auto: .jsonl(.gz) and .warc(.gz) by name, stdin by its first bytes.")
@click.option("--field", "fields", multiple=True, default=("text",), show_default=True,
              metavar="NAME", help="JSONL member holding page text; repeat for several.")
@click.option("--field-encoding", type=click.Choice(FIELD_ENCODINGS), default="text",
              show_default=True, help="base64: JSONL fields hold the page's raw bytes.")
@click.option("--annotate", is_flag=True,
              help="JSONL: add a 'fixenc' member (encoding, changed, fixes) to each record.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to run on.  [default: all cores]")
@click.option("--dask-scheduler", envvar="FIXENC_DASK_SCHEDULER", default=None,
              metavar="ADDRESS",
              help="Run on this Dask cluster, e.g. tcp://host:8786 (or $FIXENC_DASK_SCHEDULER).")
def main(paths, output, explain, extract, output_format, charset, script, keep_chrome,
         input_format, fields, field_encoding, annotate, jobs, dask_scheduler) -> None:
    """Repair mojibake in PATHS (files, or - for stdin) and print clean text as UTF-8.

    JSONL and WARC inputs are streamed record by record and written as JSONL.
    """
    options = {"extract": extract, "script": script, "keep_chrome": keep_chrome}
    settings = StreamSettings(fields=tuple(fields), field_encoding=field_encoding,
                              annotate=annotate, charset=charset, **options)
    failures = 0
    pending_files: list[str] = []
    with click.open_file(output, "wb") as sink:

        def write(path: str, result: Result) -> None:
            if explain:
                click.echo(f"{path}: decoded as {result.encoding}", err=True)
                for fix in result.fixes:
                    click.echo(f"  {fix.describe()}", err=True)
            if output_format == "json":
                record = {"path": path, **result.to_dict()}
                sink.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
            else:
                sink.write(result.text.encode("utf-8"))

        def flush_files() -> int:
            failed = 0
            repair = partial(repair_file, charset=charset, options=options,
                             input_format=input_format)
            # A file is a task of its own (chunk_items=1); absolute paths, because Dask workers
            # run elsewhere (they must see the same file system).
            tasks = [os.path.abspath(path) for path in pending_files]
            for path, (result, error) in zip(pending_files, ordered_map(
                    repair, tasks, jobs=jobs if len(tasks) > 1 else 1,
                    scheduler=dask_scheduler, chunk_items=1, prepare=langmodel.load)):
                if error:
                    click.echo(f"fixenc: {path}: {error}", err=True)
                    failed += 1
                else:
                    write(path, result)
            pending_files.clear()
            return failed

        try:
            for path in paths or ("-",):
                named_format = input_format if input_format != "auto" else detect_format(path, b"")
                if path != "-" and named_format not in STREAM_FORMATS:
                    pending_files.append(path)
                    continue
                failures += flush_files()
                try:
                    with open_input(path, input_format) as (resolved, stream):
                        if resolved in STREAM_FORMATS:
                            report = process_stream(stream, resolved, sink, settings, jobs=jobs,
                                                    scheduler=dask_scheduler)
                            for message in report.errors:
                                click.echo(f"fixenc: {path}: {message}", err=True)
                            click.echo(f"fixenc: {path}: {report.summary()}", err=True)
                            failures += bool(report.error_count)
                            continue
                        data = stream.read()
                    write(path, repair_bytes(data, charset=charset,
                                             **_file_options(options, resolved)))
                except (OSError, FixencError) as error:
                    click.echo(f"fixenc: {path}: {_reason(error)}", err=True)
                    failures += 1
            failures += flush_files()
        except FixencError as error:
            click.echo(f"fixenc: {error}", err=True)
            sys.exit(2)
    sys.exit(2 if failures else 0)


def repair_file(path: str, *, charset: str | None, options: dict,
                input_format: str = "auto") -> tuple[Result | None, str | None]:
    """(result, None) or (None, one-line reason) for one whole file; runs in a worker process."""
    try:
        with open(path, "rb") as stream:
            data = stream.read()
        return repair_bytes(data, charset=charset, **_file_options(options, input_format)), None
    except (OSError, FixencError) as error:
        return None, _reason(error)


def _file_options(options: dict, input_format: str) -> dict:
    """--input-format html/text choose the extraction that --extract auto would guess."""
    if options["extract"] == "auto" and input_format in ("html", "text"):
        return {**options, "extract": "article" if input_format == "html" else "text"}
    return options


def _reason(error: Exception) -> str:
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)
