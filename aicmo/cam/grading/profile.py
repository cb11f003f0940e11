import hashlib
import json
import os
import tempfile
import tomllib
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aicmo.errors import GradingProfileError

Points = Annotated[int, Field(ge=-100, le=100)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Section):
    A: int = 80
    B: int = 60
    C: int = 40

    @model_validator(mode="after")
    def _descending(self) -> "Thresholds":
        if not 100 >= self.A > self.B > self.C >= 0:
            raise ValueError("thresholds must satisfy 100 >= A > B > C >= 0")
        return self


class Titles(_Section):
    points: Points = 20
    keywords: list[str] = []
    exclude: list[str] = []
    exclude_points: Points = -30


class Seniority(_Section):
    points: Points = 15
    values: list[str] = []
    partial_values: list[str] = []
    partial_points: Points = 7


class ValueList(_Section):
    points: Points = 10
    values: list[str] = []


class CompanySize(_Section):
    points: Points = 15
    min: int = Field(default=1, ge=0)
    max: int = Field(default=1_000_000, ge=0)
    near_min: int | None = None
    near_max: int | None = None


class Reachability(_Section):
    email: Points = 6
    linkedin: Points = 3
    contact_form: Points = 1


class Completeness(_Section):
    points: Points = 5
    fields: list[str] = []


class Engagement(_Section):
    replied: Points = 10


class GradingProfile(_Section):
    thresholds: Thresholds = Thresholds()
    titles: Titles = Titles()
    seniority: Seniority = Seniority()
    departments: ValueList = ValueList()
    industries: ValueList = ValueList()
    company_size: CompanySize = CompanySize()
    countries: ValueList = ValueList()
    reachability: Reachability = Reachability()
    completeness: Completeness = Completeness()
    engagement: Engagement = Engagement()

    @cached_property
    def fingerprint(self) -> str:
        """Short stable hash of the profile: a lead graded with another one is stale."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]


def load_profile(path: Path | None = None) -> GradingProfile:
    """Read a profile TOML file, or the shipped default when no path is given."""
    try:
        if path is None:
            text = files("aicmo.cam.grading").joinpath("default_profile.toml").read_text("utf-8")
            source = "default profile"
        else:
            text = Path(path).read_text("utf-8")
            source = str(path)
        return GradingProfile.model_validate(tomllib.loads(text))
    except FileNotFoundError as exc:
        raise GradingProfileError(f"grading profile {path} not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise GradingProfileError(f"grading profile {source} is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise GradingProfileError(f"grading profile {source}: {where}: {first['msg']}") from exc


def dump_profile(profile: GradingProfile) -> str:
    """The profile as TOML that load_profile reads back to the same profile."""
    lines: list[str] = []
    for section, values in profile.model_dump(exclude_none=True).items():
        lines += [f"[{section}]", *(f"{key} = {_toml_value(value)}" for key, value in values.items()), ""]
    return "\n".join(lines)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # JSON's string escapes are all valid TOML; TOML also wants DEL escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def save_profile(profile: GradingProfile, path: Path) -> GradingProfile:
    """Write the profile to a TOML file, replacing it whole (readers never see half a file); return it as read."""
    try:
        data = dump_profile(profile).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise GradingProfileError(f"grading profile has text that is not valid Unicode: {exc.reason}") from None
    saved = GradingProfile.model_validate(tomllib.loads(data.decode("utf-8")))
    if saved.model_dump() != profile.model_dump():
        raise GradingProfileError("grading profile did not survive conversion to TOML")
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return saved
