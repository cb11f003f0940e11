from pathlib import Path

import pytest

from aicmo.cam.grading.profile import load_profile
from aicmo.cam.grading.rules import grade_lead
from aicmo.errors import GradingProfileError


def test_the_default_profile_loads_with_thresholds_80_60_40() -> None:
    profile = load_profile()
    assert (profile.thresholds.A, profile.thresholds.B, profile.thresholds.C) == (80, 60, 40)


def test_a_custom_profile_changes_grades_and_the_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "icp.toml"
    path.write_text('[thresholds]\nA = 30\nB = 20\nC = 10\n[titles]\npoints = 40\nkeywords = ["chef"]\n')
    custom = load_profile(path)
    assert grade_lead({"title": "Head Chef"}, custom).grade == "A"
    assert grade_lead({"title": "Head Chef"}, load_profile()).grade == "D"
    assert custom.fingerprint != load_profile().fingerprint


@pytest.mark.parametrize(("content", "message"), [
    ("[thresholds\n", "not valid TOML"),
    ("[thresholds]\nA = 50\nB = 60\nC = 40\n", "thresholds: Value error, thresholds must satisfy"),
    ("[titles]\npionts = 3\n", "titles.pionts: Extra inputs are not permitted"),
    ("[company_size]\nmin = 'ten'\n", "company_size.min"),
])
def test_a_broken_profile_is_reported_with_the_place_at_fault(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "icp.toml"
    path.write_text(content)
    with pytest.raises(GradingProfileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_profile(path)


def test_a_missing_profile_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(GradingProfileError, match="icp.toml not found"):
        load_profile(tmp_path / "icp.toml")
