"""Property-based requests from the app's own OpenAPI schema, over real HTTP on SQLite: no answer is a server
error, and every answer matches the schema the route documents."""

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import Engine

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.web.app import create_app
from tests.conftest import empty_tables
from tests.factories import make_lead
from tests.integration.api.conftest import API_SETTINGS, Api, running_api

CHECKS = [not_a_server_error, response_schema_conformance]


def seed(api: Api) -> None:
    """A few leads, a campaign and messages, so reads of ids 1, 2, 3 find real rows."""
    with api.sessions() as db:
        leads = [ops.create_lead(db, LeadCreate(**make_lead(email=f"lead{n}@acme.io", first_name=f"Lead{n}",
                                                            tags=["conference"])))
                 for n in range(3)]
        ops.create_campaign(db, {"name": "Fuzzed", "audience": {"grades": ["A", "B", "C", "D"]},
                                 "steps": [{"channels": ["email", "linkedin"], "subject": "Hi",
                                            "body": "Hello {{ first_name | default('there') }}"}]})
        for lead in leads:
            ops.send_outreach_message(db, lead.id, "Hello", "Hi", deliver=False)


# Built from the app's code, never started: the same schema the served app answers at /openapi.json.
schema = schemathesis.openapi.from_dict(create_app(API_SETTINGS).openapi()).include(path_regex="^/api/")


@pytest.fixture(scope="module")
def fuzzed(sqlite_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The app on a seeded SQLite database, with a grading profile file of its own for PUT to replace."""
    empty_tables(sqlite_engine)
    profile = tmp_path_factory.mktemp("grading") / "icp.toml"
    profile.write_text("", "utf-8")  # an empty profile: every rule at its defaults
    with running_api(sqlite_engine, API_SETTINGS.model_copy(update={"grading_profile": profile})) as api:
        seed(api)
        yield api
    empty_tables(sqlite_engine)


# One test per operation, named by it ("GET /api/leads"): schemathesis's own parametrization gives every item the
# same node id, which test runners that deal out tests by id (pytest-xdist by file) would fold into one.
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
def test_no_api_route_fails_or_answers_off_its_schema(operation: APIOperation, fuzzed: Api) -> None:
    # A fixed seed: the same requests on every run, so a failure here is never a fluke of the draw.
    @settings(max_examples=15, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def requests_answer_as_documented(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=fuzzed.base_url, headers={"Authorization": f"Bearer {fuzzed.key}"},
                               checks=CHECKS)

    requests_answer_as_documented()
