"""Grading rules: plain functions of a lead's fields and a profile, no database."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aicmo.cam.grading.grades import Grade
from aicmo.cam.grading.profile import GradingProfile
from aicmo.countries import country_region

ENGAGED_STATUSES = frozenset({"replied", "interested", "meeting", "won"})


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    points: int
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "points": self.points, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class GradeResult:
    grade: Grade
    score: int
    reasons: tuple[Reason, ...]


def _words_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alternatives = sorted((re.escape(p.casefold()) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(alternatives) + r")(?![\w-])")


def _region_or_name(value: str) -> str:
    return country_region(value) or value.casefold()


@dataclass(frozen=True, eq=False)  # one per profile fingerprint, so hashed by identity: a cache key
class CompiledProfile:
    profile: GradingProfile
    titles: re.Pattern[str] | None
    excluded_titles: re.Pattern[str] | None
    seniority: frozenset[str]
    partial_seniority: frozenset[str]
    departments: frozenset[str]
    industries: tuple[str, ...]
    countries: frozenset[str]


_compiled: dict[str, CompiledProfile] = {}


def compile_profile(profile: GradingProfile) -> CompiledProfile:
    cached = _compiled.get(profile.fingerprint)
    if cached is None:
        cached = _compiled[profile.fingerprint] = _compile(profile)
    return cached


def _compile(profile: GradingProfile) -> CompiledProfile:
    return CompiledProfile(
        profile=profile,
        titles=_words_pattern(profile.titles.keywords),
        excluded_titles=_words_pattern(profile.titles.exclude),
        seniority=frozenset(v.casefold() for v in profile.seniority.values),
        partial_seniority=frozenset(v.casefold() for v in profile.seniority.partial_values),
        departments=frozenset(v.casefold() for v in profile.departments.values),
        industries=tuple(v.casefold() for v in profile.industries.values),
        countries=frozenset(_region_or_name(v) for v in profile.countries.values),
    )


Rule = Callable[[Mapping[str, Any], CompiledProfile], Reason]


def _of(field: str) -> Callable[[Callable[[Any, CompiledProfile], Reason]], Rule]:
    """A rule that reads one field: its reason is computed once per value and profile (grading runs per row,
    over values that repeat: titles, industries, countries)."""

    def rule(judge: Callable[[Any, CompiledProfile], Reason]) -> Rule:
        cached = lru_cache(maxsize=16384)(judge)

        def apply(lead: Mapping[str, Any], cp: CompiledProfile) -> Reason:
            return cached(lead.get(field), cp)

        apply.__name__ = judge.__name__
        return apply

    return rule


@_of("title")
def _title(title: Any, cp: CompiledProfile) -> Reason:
    points = cp.profile.titles.points
    if not title:
        return Reason("title", 0, "no title")
    folded = title.casefold()
    if cp.excluded_titles and (bad := cp.excluded_titles.search(folded)):
        return Reason("title", cp.profile.titles.exclude_points, f"title {title!r} is excluded ({bad.group(1)!r})")
    if cp.titles and (hit := cp.titles.search(folded)):
        return Reason("title", points, f"title {title!r} matches {hit.group(1)!r}")
    return Reason("title", 0, f"title {title!r} is not a target title")


@_of("seniority")
def _seniority(raw: Any, cp: CompiledProfile) -> Reason:
    value = (raw or "").casefold()
    section = cp.profile.seniority
    if not value:
        return Reason("seniority", 0, "no seniority")
    if value in cp.seniority:
        return Reason("seniority", section.points, f"seniority {value!r} is a target level")
    if value in cp.partial_seniority:
        return Reason("seniority", section.partial_points, f"seniority {value!r} is a partial match")
    return Reason("seniority", 0, f"seniority {value!r} is not a target level")


@_of("department")
def _department(value: Any, cp: CompiledProfile) -> Reason:
    if not value:
        return Reason("department", 0, "no department")
    if value.casefold() in cp.departments:
        return Reason("department", cp.profile.departments.points, f"department {value!r} is a target")
    return Reason("department", 0, f"department {value!r} is not a target")


@_of("industry")
def _industry(value: Any, cp: CompiledProfile) -> Reason:
    if not value:
        return Reason("industry", 0, "no industry")
    folded = value.casefold()
    for target in cp.industries:
        if target in folded:
            return Reason("industry", cp.profile.industries.points, f"industry {value!r} matches {target!r}")
    return Reason("industry", 0, f"industry {value!r} is not a target")


@_of("company_size")
def _company_size(size: Any, cp: CompiledProfile) -> Reason:
    rule = cp.profile.company_size
    if size is None:
        return Reason("company_size", 0, "company size unknown")
    if rule.min <= size <= rule.max:
        return Reason("company_size", rule.points, f"{size} employees is within {rule.min}-{rule.max}")
    near_min = rule.near_min if rule.near_min is not None else rule.min
    near_max = rule.near_max if rule.near_max is not None else rule.max
    if near_min <= size <= near_max:
        return Reason("company_size", rule.points // 2, f"{size} employees is near {rule.min}-{rule.max}")
    return Reason("company_size", 0, f"{size} employees is outside {rule.min}-{rule.max}")


@_of("country")
def _country(value: Any, cp: CompiledProfile) -> Reason:
    if not value:
        return Reason("country", 0, "country unknown")
    if _region_or_name(value) in cp.countries:
        return Reason("country", cp.profile.countries.points, f"country {value!r} is a target market")
    return Reason("country", 0, f"country {value!r} is not a target market")


def _reachability(lead: Mapping[str, Any], cp: CompiledProfile) -> Reason:
    return _reachable_by(bool(lead.get("email")) and lead.get("email_status") != "invalid",
                         bool(lead.get("linkedin_url")), bool(lead.get("contact_form_url")), cp)


@lru_cache(maxsize=64)
def _reachable_by(email: bool, linkedin: bool, form: bool, cp: CompiledProfile) -> Reason:
    rule = cp.profile.reachability
    channels = [
        (name, points)
        for name, points, present in (
            ("email", rule.email, email), ("LinkedIn", rule.linkedin, linkedin),
            ("contact form", rule.contact_form, form),
        )
        if present
    ]
    if not channels:
        return Reason("reachability", 0, "no channel to reach the lead")
    names = ", ".join(name for name, _ in channels)
    return Reason("reachability", sum(points for _, points in channels), f"reachable by {names}")


def _completeness(lead: Mapping[str, Any], cp: CompiledProfile) -> Reason:
    return _filled(sum(1 for field in cp.profile.completeness.fields if lead.get(field) not in (None, "")), cp)


@lru_cache(maxsize=256)
def _filled(filled: int, cp: CompiledProfile) -> Reason:
    count = len(cp.profile.completeness.fields)
    if not count:
        return Reason("completeness", 0, "no fields to check")
    points = round(cp.profile.completeness.points * filled / count)
    return Reason("completeness", points, f"{filled} of {count} profile fields filled")


@_of("status")
def _engagement(raw: Any, cp: CompiledProfile) -> Reason:
    status = str(raw or "new")
    if status in ENGAGED_STATUSES:
        return Reason("engagement", cp.profile.engagement.replied, f"lead status is {status!r}")
    return Reason("engagement", 0, "no engagement yet")


RULES: tuple[Rule, ...] = (
    _title, _seniority, _department, _industry, _company_size, _country, _reachability, _completeness,
    _engagement,
)


def grade_for_score(score: int, profile: GradingProfile) -> Grade:
    thresholds = profile.thresholds
    if score >= thresholds.A:
        return Grade.A
    if score >= thresholds.B:
        return Grade.B
    if score >= thresholds.C:
        return Grade.C
    return Grade.D


def grade_lead(lead: Mapping[str, Any], profile: GradingProfile) -> GradeResult:
    """Score a lead 0-100 against the profile and give every rule's points as reasons."""
    compiled = compile_profile(profile)
    reasons = tuple(rule(lead, compiled) for rule in RULES)
    score = max(0, min(100, sum(reason.points for reason in reasons)))
    return GradeResult(grade_for_score(score, profile), score, reasons)
