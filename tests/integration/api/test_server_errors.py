"""An error nobody planned for still gets a problem+json answer, and the connection stays usable."""

from sqlalchemy import text

from tests.integration.api.conftest import Api


def test_an_unexpected_server_error_is_a_problem_json_500_that_reveals_nothing(api: Api) -> None:
    with api.sessions() as db:
        db.execute(text("ALTER TABLE leads RENAME TO leads_moved_away"))
        db.commit()
    try:
        response = api.client.get("/api/leads")
        assert response.status_code == 500
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert (body["status"], body["title"]) == (500, "Server error")
        assert "leads" not in response.text  # no SQL, table names or traceback leak out
        assert api.client.get("/health").status_code == 200  # the same client, the same connection pool
    finally:
        with api.sessions() as db:
            db.execute(text("ALTER TABLE leads_moved_away RENAME TO leads"))
            db.commit()
