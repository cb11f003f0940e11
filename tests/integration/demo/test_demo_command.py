"""`aicmo demo` as a newcomer runs it with its output going to a file: it shows progress, explains its counts,
writes nothing beside the example file and says where everything went."""

from pathlib import Path

from tests.support.in_process import run_in_process

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "leads.csv"


def test_the_demo_says_what_it_did_and_where_it_wrote_each_file(tmp_path: Path) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    leads = tmp_path / "examples" / "leads.csv"
    leads.parent.mkdir()
    leads.write_text("".join(lines[:61]) + "Nobody,,,,,,,,,,,\n", encoding="utf-8")  # 60 rows and one unreachable

    done = run_in_process(["demo", str(leads), "--database", "out/demo.db"], cwd=tmp_path, env={})

    assert done.returncode == 0, done.stderr
    assert "simulated day 1: " in done.stdout  # not a terminal: a line a day
    assert "rejected (no way to reach them, or a field that cannot be read: each with its line and reason in " \
           "out/demo.rejects.csv)" in " ".join(done.stdout.split())
    assert (tmp_path / "out" / "demo.rejects.csv").is_file()
    assert sorted(path.name for path in leads.parent.iterdir()) == ["leads.csv"]  # nothing beside the example
    written = " ".join(done.stdout.split()).split("Files written: ", 1)[1]
    assert written.startswith("out/demo.db (the demo's database); out/demo-deals.csv (the CRM deals export it "
                              "imported); out/demo.rejects.csv (the rows the import rejected); out/demo.db.key "
                              "(the secret key made for it).")
    assert "AICMO_DATABASE_URL=sqlite:///out/demo.db " in done.stdout
