"""Large bodies over real HTTP: the caller is checked and the size bounded before the server reads the body."""

import pytest

from tests.integration.api.conftest import Api
from tests.support.streamed_post import streamed_post

MB = 1024 * 1024
GROWTH_CAP = 20 * MB


@pytest.mark.parametrize("chunked", [False, True], ids=["with its length", "chunked"])
def test_an_anonymous_100_mb_post_is_answered_401_without_the_server_growing(api: Api, chunked: bool) -> None:
    answer = streamed_post(api.base_url, "/api/leads", 100 * MB, chunked=chunked, wait_after=1 * MB)
    assert answer.status == 401, answer.head
    assert answer.bytes_sent < 100 * MB and answer.peak_rss_growth < GROWTH_CAP


def test_a_wrong_key_is_answered_401_before_the_body_is_read(api: Api) -> None:
    answer = streamed_post(api.base_url, "/api/leads", 100 * MB, headers={"Authorization": "Bearer nope"})
    assert answer.status == 401, answer.head
    assert answer.peak_rss_growth < GROWTH_CAP


@pytest.mark.parametrize("chunked", [False, True], ids=["with its length", "chunked"])
def test_a_body_past_the_limit_is_refused_413_while_it_streams(api: Api, chunked: bool) -> None:
    answer = streamed_post(api.base_url, "/api/leads", 100 * MB, chunked=chunked, wait_after=3 * MB,
                           headers={"Authorization": f"Bearer {api.key}"})
    assert answer.status == 413, answer.head
    assert answer.bytes_sent < 100 * MB and answer.peak_rss_growth < GROWTH_CAP


@pytest.mark.parametrize("chunked", [False, True], ids=["with its length", "chunked"])
def test_an_oversized_sendgrid_webhook_is_refused_413_without_reading_it_all(api: Api, chunked: bool) -> None:
    answer = streamed_post(api.base_url, "/webhooks/sendgrid", 100 * MB, chunked=chunked, wait_after=6 * MB)
    assert answer.status == 413, answer.head
    assert answer.bytes_sent < 100 * MB and answer.peak_rss_growth < GROWTH_CAP


def test_a_dashboard_upload_without_a_session_goes_to_the_login_page_unread(api: Api) -> None:
    answer = streamed_post(api.base_url, "/app/leads/import", 100 * MB, chunked=True, wait_after=1 * MB)
    assert answer.status == 303 and "/app/login" in answer.head
    assert answer.bytes_sent < 100 * MB and answer.peak_rss_growth < GROWTH_CAP


def test_ordinary_requests_pass(api: Api) -> None:
    assert api.client.post("/api/leads", json={"email": "ann@beta.io", "first_name": "Ann"}).status_code == 201
    assert api.anonymous.post("/api/leads", json={"email": "bob@beta.io"}).status_code == 401
    assert api.anonymous.get("/health").status_code == 200
