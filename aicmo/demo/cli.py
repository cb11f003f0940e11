import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

import typer

from aicmo.cli.context import console, reports_errors
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.demo.run import rejects_file, run_demo
from aicmo.demo.summary import print_summary
from aicmo.settings import get_settings, kept_key_file


def aicmo_command() -> str:
    """How to run aicmo from here as pasted: `aicmo` when the shell finds this one, else its path."""
    installed = Path(sys.executable).with_name("aicmo")
    if shutil.which("aicmo") == str(installed):
        return "aicmo"
    try:
        return str(installed.relative_to(Path.cwd()))
    except ValueError:
        return str(installed)


@reports_errors
def demo(
    leads_file: Path = typer.Argument(Path("examples/leads.csv"), exists=True, dir_okay=False,
                                      help="Lead file to import."),
    database: Path = typer.Option(Path("aicmo-demo.db"), help="SQLite file for the demo (recreated each run)."),
) -> None:
    """Run a whole campaign on local stand-ins: a mail server, company sites with forms, a LinkedIn operator."""
    # Everything the demo does, settings read anywhere included, is about its own database.
    os.environ["AICMO_DATABASE_URL"] = f"sqlite:///{database}"
    get_settings.cache_clear()
    console.print(f"Importing {leads_file} into {database} and running a 3-step campaign in accelerated time "
                  "(local SMTP server and contact-form sites on 127.0.0.1)…")

    def day_line(day: int, now: datetime) -> None:
        console.print(f"simulated day {day}: {now:%a %d %b %H:%M} UTC", highlight=False)

    if console.is_terminal:
        with console.status("day 0") as status:
            run = run_demo(database, leads_file,
                           on_day=lambda day, now: status.update(f"simulated day {day}: {now:%a %d %b %H:%M} UTC"))
    else:  # redirected to a file or a pipe: a line a day, so a reader sees it move
        run = run_demo(database, leads_file, on_day=day_line)
    report = run.imported
    rejected = rejects_file(database)
    console.print(f"Imported {report.rows_read} rows: {report.inserted} new leads, {report.merged} merged into a lead "
                  f"read earlier (same email, LinkedIn profile or name at the same company), {report.rejected} "
                  f"rejected (no way to reach them, or a field that cannot be read"
                  + (f": each with its line and reason in {rejected})." if report.rejected else ")."), highlight=False)
    with make_session_factory(make_engine(f"sqlite:///{database}"))() as db:
        print_summary(console, db, run, command=aicmo_command())
    written = [(database, "the demo's database"), (run.deals_file, "the CRM deals export it imported")]
    if report.rejected:
        written.append((rejected, "the rows the import rejected"))
    kept_key = kept_key_file(get_settings())
    if kept_key is not None:
        written.append((kept_key, "the secret key made for it"))
    console.print("Files written: " + "; ".join(f"{path} ({what})" for path, what in written) + ".", highlight=False)
