"""Every grading rule, as a table: a lead's fields in, the rule's points and reason out."""

from typing import Any

import pytest

from aicmo.cam.grading.profile import GradingProfile, load_profile
from aicmo.cam.grading.rules import RULES, compile_profile, grade_for_score, grade_lead

PROFILE = load_profile()
BY_NAME = {rule.__name__.lstrip("_"): rule for rule in RULES}


def points(rule: str, lead: dict[str, Any], profile: GradingProfile = PROFILE) -> tuple[int, str]:
    reason = BY_NAME[rule](lead, compile_profile(profile))
    assert reason.rule == rule
    return reason.points, reason.detail


@pytest.mark.parametrize(("rule", "lead", "expected_points", "detail_part"), [
    ("title", {"title": "VP Engineering"}, 20, "matches 'vp engineering'"),
    ("title", {"title": "Senior Director of Engineering, Platform"}, 20, "director of engineering"),
    ("title", {"title": "Co-Founder & CEO"}, 20, "matches"),
    ("title", {"title": "Engineering Intern"}, -30, "excluded ('intern')"),
    ("title", {"title": "Chef de cuisine"}, 0, "not a target title"),
    ("title", {"title": "Director"}, 0, "not a target title"),
    ("title", {}, 0, "no title"),
    ("seniority", {"seniority": "vp"}, 15, "target level"),
    ("seniority", {"seniority": "manager"}, 7, "partial match"),
    ("seniority", {"seniority": "entry"}, 0, "not a target level"),
    ("seniority", {}, 0, "no seniority"),
    ("department", {"department": "engineering"}, 10, "is a target"),
    ("department", {"department": "Sales"}, 10, "is a target"),
    ("department", {"department": "legal"}, 0, "not a target"),
    ("department", {}, 0, "no department"),
    ("industry", {"industry": "Computer Software"}, 15, "matches 'software'"),
    ("industry", {"industry": "Information Technology & Services"}, 15, "information technology"),
    ("industry", {"industry": "Restaurants"}, 0, "not a target"),
    ("industry", {}, 0, "no industry"),
    ("company_size", {"company_size": 50}, 15, "within 50-1000"),
    ("company_size", {"company_size": 1000}, 15, "within 50-1000"),
    ("company_size", {"company_size": 30}, 7, "near"),
    ("company_size", {"company_size": 5000}, 7, "near"),
    ("company_size", {"company_size": 5}, 0, "outside"),
    ("company_size", {"company_size": 60000}, 0, "outside"),
    ("company_size", {}, 0, "unknown"),
    ("country", {"country": "United States"}, 10, "target market"),
    ("country", {"country": "Germany"}, 10, "target market"),
    ("country", {"country": "de"}, 10, "target market"),
    ("country", {"country": "Brazil"}, 0, "not a target market"),
    ("country", {}, 0, "country unknown"),
    ("reachability", {"email": "a@b.co", "linkedin_url": "https://www.linkedin.com/in/a/"}, 9,
     "email, LinkedIn"),
    ("reachability", {"email": "a@b.co", "email_status": "invalid"}, 0, "no channel"),
    ("reachability", {"contact_form_url": "https://b.co/contact"}, 1, "contact form"),
    ("reachability", {}, 0, "no channel"),
    ("completeness", {"first_name": "A", "last_name": "B", "title": "T", "company_name": "C",
                      "company_domain": "c.com", "industry": "I", "company_size": 10, "country": "US"}, 5,
     "8 of 8"),
    ("completeness", {"first_name": "A", "last_name": "B", "title": "T", "company_name": "C"}, 2, "4 of 8"),
    ("completeness", {}, 0, "0 of 8"),
    ("engagement", {"status": "replied"}, 10, "'replied'"),
    ("engagement", {"status": "meeting"}, 10, "'meeting'"),
    ("engagement", {"status": "new"}, 0, "no engagement"),
])
def test_each_rule_gives_its_points_and_says_why(rule: str, lead: dict[str, Any], expected_points: int,
                                                 detail_part: str) -> None:
    got_points, detail = points(rule, lead)
    assert got_points == expected_points
    assert detail_part in detail


IDEAL = {
    "title": "VP Engineering", "seniority": "vp", "department": "engineering", "industry": "Computer Software",
    "company_size": 250, "country": "US", "email": "jane@acme.io", "email_status": "valid_syntax",
    "linkedin_url": "https://www.linkedin.com/in/jane/", "first_name": "Jane", "last_name": "Doe",
    "company_name": "Acme", "company_domain": "acme.io",
}


def test_an_ideal_lead_is_graded_a_with_every_reason_listed() -> None:
    result = grade_lead(IDEAL, PROFILE)
    assert result.grade == "A"
    assert result.score == 20 + 15 + 10 + 15 + 15 + 10 + 9 + 5
    assert [r.rule for r in result.reasons] == [rule.__name__.lstrip("_") for rule in RULES]


def test_an_intern_at_a_tiny_restaurant_is_graded_d_and_the_score_never_goes_below_zero() -> None:
    result = grade_lead({"title": "Intern", "industry": "Restaurants", "company_size": 3}, PROFILE)
    assert result.grade == "D"
    assert result.score == 0


def test_the_score_is_capped_at_100() -> None:
    profile = PROFILE.model_copy(update={"engagement": PROFILE.engagement.model_copy(update={"replied": 50})})
    assert grade_lead({**IDEAL, "status": "replied"}, profile).score == 100


@pytest.mark.parametrize(("score", "grade"), [(100, "A"), (80, "A"), (79, "B"), (60, "B"), (59, "C"),
                                              (40, "C"), (39, "D"), (0, "D")])
def test_thresholds_split_scores_into_grades_at_their_boundaries(score: int, grade: str) -> None:
    assert grade_for_score(score, PROFILE) == grade


def test_grading_is_deterministic() -> None:
    assert grade_lead(IDEAL, PROFILE) == grade_lead(dict(IDEAL), load_profile())
