"""A deeply nested or broken JSON upload is a 422 problem naming the line and column, not a 500."""

import pytest

from tests.integration.api.conftest import Api

DEPTH = 10_000
BAD = {
    "too deep": ("deep.json", "[" * DEPTH + "]" * DEPTH, "deep.json line 1, column 33: JSON nested more than 32"),
    "a deep object": ("deep.jsonl", '{"email": "a@example.com", "x": ' + '{"a": ' * DEPTH + "1" + "}" * DEPTH + "}\n",
                      "deep.jsonl line 1, column 219: JSON nested more than 32"),
    "broken": ("broken.json", '[{"email": "a@example.com"},\n {"email" "b"}]',
               "broken.json is not valid JSON at record 2, line 2, column 11"),
}


@pytest.mark.parametrize(("name", "content", "detail"), BAD.values(), ids=BAD.keys())
def test_a_json_upload_that_cannot_be_parsed_is_a_422_naming_where(api: Api, name: str, content: str,
                                                                   detail: str) -> None:
    response = api.client.post("/api/leads/import", files={"file": (name, content.encode())})
    assert response.status_code == 422, response.text
    assert response.json()["title"] == "ImportFileError" and response.json()["detail"].startswith(detail)
