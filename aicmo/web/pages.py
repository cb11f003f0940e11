"""HTML pages from the templates next to this file; every value is HTML-escaped."""

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=PackageLoader("aicmo.web", "templates"), autoescape=True, undefined=StrictUndefined)


def render(name: str, **context: Any) -> str:
    """The template `name` filled in with `context`."""
    return _environment().get_template(name).render(**context)
