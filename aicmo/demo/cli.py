from pathlib import Path

import typer

from aicmo.cli.context import console, reports_errors
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.demo.run import run_demo
from aicmo.demo.summary import print_summary


@reports_errors
def demo(
    leads_file: Path = typer.Argument(Path("examples/leads.csv"), exists=True, dir_okay=False,
                                      help="Lead file to import."),
    database: Path = typer.Option(Path("aicmo-demo.db"), help="SQLite file for the demo (recreated each run)."),
) -> None:
    """Run a whole campaign on local stand-ins: a mail server, company sites with forms, a LinkedIn operator."""
    console.print(f"Importing {leads_file} into {database} and running a 3-step campaign in accelerated time "
                  "(local SMTP server and contact-form sites on 127.0.0.1)…")
    with console.status("day 0") as status:
        run = run_demo(database, leads_file,
                       on_day=lambda day, now: status.update(f"simulated day {day}: {now:%a %d %b %H:%M} UTC"))
    report = run.imported
    console.print(f"Imported: read {report.rows_read}, inserted {report.inserted}, merged {report.merged}, "
                  f"rejected {report.rejected}.")
    with make_session_factory(make_engine(f"sqlite:///{database}"))() as db:
        print_summary(console, db, run)
