"""The `fixenc` command: maps options to the pipeline and results to output and exit codes.

Exit codes: 0 done; 2 an input could not be processed (after processing the others).
"""

from __future__ import annotations

import json
import sys

import click

from .errors import FixencError
from .pipeline import EXTRACT_MODES, SCRIPT_MODES, repair_bytes


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
def main(paths, output, explain, extract, output_format, charset, script, keep_chrome) -> None:
    """Repair mojibake in PATHS (files, or - for stdin) and print clean text as UTF-8."""
    failures = 0
    chunks: list[bytes] = []
    for path in paths or ("-",):
        try:
            with click.open_file(path, "rb") as stream:
                data = stream.read()
            result = repair_bytes(data, charset=charset, extract=extract, script=script,
                                  keep_chrome=keep_chrome)
        except (OSError, FixencError) as error:
            click.echo(f"fixenc: {path}: {_reason(error)}", err=True)
            failures += 1
            continue
        if explain:
            click.echo(f"{path}: decoded as {result.encoding}", err=True)
            for fix in result.fixes:
                click.echo(f"  {fix.describe()}", err=True)
        if output_format == "json":
            record = {"path": path, **result.to_dict()}
            chunks.append(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        else:
            chunks.append(result.text.encode("utf-8"))
    with click.open_file(output, "wb") as sink:
        sink.write(b"".join(chunks))
    sys.exit(2 if failures else 0)


def _reason(error: Exception) -> str:
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)
