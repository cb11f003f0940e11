"""The packages of aicmo.cam import each other in one direction: read from the source's own import statements,
no package reaches (directly or through others) a package that reaches it back. Entry files (the api/cli modules
beside each domain, and the seed's ChannelSequencer face) are left out, as import-linter's contract does."""

import ast
from collections import defaultdict
from pathlib import Path

import aicmo
from tests.support.source import syntax_nodes

CAM = Path(aicmo.__file__).parent / "cam"
ENTRY_FILES = {"api.py", "admin_api.py", "cli.py", "mailbox_status_cli.py"}
SEED_FACES = {CAM / "outreach" / "sequencer.py"}


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth of the file (imports inside functions count too)."""
    found = set()
    for node in syntax_nodes(path):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; the package is written absolute throughout"
            found.add(node.module or "")
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package_graph() -> dict[str, set[str]]:
    """Each aicmo.cam package or top-level module, and the others it imports."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in CAM.rglob("*.py"):
        if path.name in ENTRY_FILES or path in SEED_FACES or "migrations" in path.parts:
            continue
        source = path.relative_to(CAM).parts[0].removesuffix(".py")
        graph[source]
        for imported in _imported_modules(path):
            parts = imported.split(".")
            if parts[:2] == ["aicmo", "cam"] and len(parts) > 2 and parts[2] != source:
                graph[source].add(parts[2])
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of packages that reach one another (strongly connected, more than one package)."""
    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for target in graph.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    reachable = {package: reach(package) for package in graph}
    groups: list[set[str]] = []
    for package in sorted(graph):
        group = {package} | {other for other in reachable[package] if package in reachable.get(other, set())}
        if len(group) > 1 and group not in groups:
            groups.append(group)
    return groups


def test_no_package_of_aicmo_cam_reaches_back_to_one_that_reaches_it() -> None:
    graph = package_graph()
    assert {"leads", "grading", "outreach", "engine", "campaigns", "webhooks"} <= set(graph)
    assert cycles(graph) == []


def test_the_count_sees_a_cycle_when_there_is_one() -> None:
    graph = {"leads": {"grading"}, "grading": {"webhooks"}, "webhooks": {"leads"}, "limits": {"leads"}}
    assert cycles(graph) == [{"leads", "grading", "webhooks"}]


def _commits(path: Path) -> list[int]:
    """The lines of a file that call `.commit()` on anything."""
    return [node.lineno for node in syntax_nodes(path)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"]


def command_and_route_files() -> list[Path]:
    """The CLI, the REST API and the dashboard: aicmo.cli, aicmo.web and the api/cli files beside each domain."""
    package = Path(aicmo.__file__).parent
    beside = [path for path in CAM.rglob("*.py") if path.name in ENTRY_FILES]
    return sorted([*(package / "cli").rglob("*.py"), *(package / "web").rglob("*.py"), *beside])


def test_commands_routes_and_pages_leave_every_commit_to_the_operator_layer() -> None:
    files = command_and_route_files()
    assert len(files) > 30
    assert {path: lines for path in files if (lines := _commits(path))} == {}


def test_the_commit_check_finds_a_commit(tmp_path: Path) -> None:
    route = tmp_path / "api.py"
    route.write_text("def create(db):\n    db.add(1)\n    db.commit()\n")
    assert _commits(route) == [3]


PACKAGE = Path(aicmo.__file__).parent
UNIT_OF_WORK = PACKAGE / "db" / "unit_of_work.py"
# The long jobs whose progress must outlive a crash part-way; each durable step is a checkpoint.
JOBS = {PACKAGE / "cam" / path for path in (
    "engine/claim.py", "engine/dispatch.py", "engine/now.py",  # claim before a send, record after it
    "worker/loop.py",  # the worker's periodic chores
    "leads/importer.py", "leads/grading.py",  # imports and regrading in batches
    "inbox/poller.py", "inbox/service.py",  # each mailbox read, each provider event
    "webhooks/delivery.py", "webhooks/scheduled.py",  # deliveries claimed, then their outcomes
)}


def _checkpoints(path: Path) -> list[int]:
    return [node.lineno for node in syntax_nodes(path)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "checkpoint"]


def test_only_operator_functions_commit_and_only_the_named_jobs_checkpoint() -> None:
    files = [path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts]
    operator_layer = PACKAGE / "operator_services"
    commits = {path: lines for path in files
               if path != UNIT_OF_WORK and operator_layer not in path.parents and (lines := _commits(path))}
    checkpoints = {path for path in files if _checkpoints(path)}
    assert commits == {}
    assert checkpoints == JOBS


def test_the_checkpoint_check_finds_a_checkpoint(tmp_path: Path) -> None:
    job = tmp_path / "job.py"
    job.write_text("from aicmo.db.unit_of_work import checkpoint\n\ndef run(db):\n    checkpoint(db)\n")
    assert _checkpoints(job) == [4]


# Where the process's settings are read; everything below them is handed its Settings (or a value from them).
SETTINGS_EDGES = {PACKAGE / path: reason for path, reason in {
    "bootstrap.py": "builds the engine for the configured database",
    "operator_services": "the one way in: reads what the domain calls below it are handed",
    "cli": "the `aicmo` command and its shared command helpers",
    "web": "`aicmo serve`: the app factory and its command",
    "cam/worker/cli.py": "the worker's entry: builds the channels, the inbox poller and the loop",
    "cam/leads/cli.py": "`aicmo leads`: import and grading defaults from the settings",
    "cam/outreach/email/cli.py": "`aicmo mailboxes`: says where the secret sealing the stored passwords is kept",
    "demo/cli.py": "`aicmo demo`: points the settings at the demo's own database and names the key kept for it",
    "cam/templates/cli.py": "`aicmo templates preview`: renders within the configured bounds",
    "cam/webhooks/cli.py": "`aicmo webhooks`: the configured retention",
    "cam/outreach/sequencer.py": "the seed's ChannelSequencer face wires the configured channels when given none",
    "db/secrets.py": "EncryptedText: SQLAlchemy calls a column type with the value alone, so it reads the keys",
    "db/migrations/versions/0009_encrypt_mailbox_secrets.py": "a migration Alembic runs with no caller to pass them",
}.items()}


def _settings_reads(path: Path) -> list[int]:
    """The lines of a file that call `get_settings()` (as a name, under an alias, or as an attribute)."""
    nodes = syntax_nodes(path)
    names = {"get_settings"} | {alias.asname for node in nodes if isinstance(node, ast.ImportFrom)
                                for alias in node.names if alias.name == "get_settings" and alias.asname}
    return [node.lineno for node in nodes if isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Name) and node.func.id in names)
        or (isinstance(node.func, ast.Attribute) and node.func.attr == "get_settings"))]


def test_only_the_edges_read_the_settings() -> None:
    reads = {path: lines for path in PACKAGE.rglob("*.py") if (lines := _settings_reads(path))}
    outside = {path: lines for path, lines in reads.items()
               if not any(path == edge or edge in path.parents for edge in SETTINGS_EDGES)}
    unused = {edge for edge in SETTINGS_EDGES if edge.suffix == ".py" and edge not in reads}
    assert outside == {}
    assert unused == set()


def test_the_settings_check_finds_a_read(tmp_path: Path) -> None:
    module = tmp_path / "dispatch.py"
    module.write_text("from aicmo.settings import get_settings as configured\n\n"
                      "def limits(settings=None):\n    return settings or configured()\n")
    assert _settings_reads(module) == [4]
