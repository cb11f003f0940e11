"""Driving the dashboard over HTTP as a browser would: forms with their CSRF token, a cookie jar."""

import re

import httpx

from aicmo.settings import Settings

SETTINGS = Settings(secret_key="dashboard-test-secret", public_base_url="https://app.example.com/",
                    import_batch_size=2)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token the page's forms carry."""
    found = _TOKEN.search(page.text)
    assert found, f"no CSRF token on {page.url}"
    return found.group(1)


def log_in(client: httpx.Client, secret: str) -> httpx.Response:
    """Fill in and send the login form."""
    token = csrf_of(client.get("/login"))
    return client.post("/login", data={"csrf_token": token, "api_key": secret})


def submit(client: httpx.Client, page: str, action: str, **fields: str) -> httpx.Response:
    """Post a form of `page` to `action`, with the token the page carries."""
    return client.post(action, data={"csrf_token": csrf_of(client.get(page)), **fields})


CAMPAIGN = {
    "name": "Spring intro",
    "audience": {"grades": ["A"]},
    "send_window": {"always": True},
    "steps": [
        {"channels": ["email", "linkedin"], "variants": [
            {"name": "a", "subject": "A question for {{ company }}", "body": "Hi {{ first_name }}, variant a."},
            {"name": "b", "subject": "{{ company }} and us", "body": "Hi {{ first_name }}, variant b."}]},
        {"channels": ["linkedin"], "delay_hours": 0, "body": "Hi {{ first_name }}, glad to connect."},
    ],
}
# What the default grading profile grades A.
A_GRADE = {"title": "CTO", "seniority": "c_suite", "department": "engineering", "industry": "software",
           "company_size": 200, "country": "US"}
