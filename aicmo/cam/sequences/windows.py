"""Send windows: when, in a lead's local time, a sequence step may be sent.

Pure functions over timezone-aware UTC datetimes; nothing here touches the database or the network.
"""

import hashlib
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import holidays

from aicmo.countries import country_region

ALL_DAYS = frozenset(range(1, 8))
WEEKDAYS = frozenset(range(1, 6))
MAX_SEARCH_DAYS = 400
MIN_SLOT = timedelta(minutes=1)

# Low-discrepancy step: the n-th booking of a day lands in the largest gap left by the earlier ones.
_GOLDEN_STEP = (5**0.5 - 1) / 2

# zone.tab lists a country's zones east to west, which for these countries puts a small edge zone first;
# the zone most of the population lives in is the better guess for a lead with only a country.
_MOST_POPULOUS_ZONE = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "UZ": "Asia/Tashkent",
}

_DICT_KEYS = frozenset({"days", "start", "end", "timezone", "skip_holidays", "holiday_country"})


@dataclass(frozen=True)
class SendWindow:
    """Days and local hours in which sends are allowed; `end` is exclusive."""

    days: frozenset[int] = WEEKDAYS
    start: time = time(9, 0)
    end: time = time(17, 0)
    timezone: str = "UTC"
    skip_holidays: bool = False
    holiday_country: str | None = None

    def __post_init__(self) -> None:
        # A set or list would make the frozen window unhashable and its equality order-dependent.
        object.__setattr__(self, "days", frozenset(self.days))
        _check_days(self.days)
        _check_time("start", self.start)
        _check_time("end", self.end)
        if self.end <= self.start:
            raise ValueError(f"send window end {self.end:%H:%M} must be after start {self.start:%H:%M}")
        zone_info(self.timezone)
        if self.holiday_country is not None:
            code = country_code(self.holiday_country)
            if code is None:
                raise ValueError(f"unknown holiday country: {self.holiday_country!r}")
            object.__setattr__(self, "holiday_country", code)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "SendWindow":
        """Build a window from its JSON form; missing keys take the defaults."""
        unknown = set(data) - _DICT_KEYS
        if unknown:
            raise ValueError(f"unknown send window keys: {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = {}
        if "days" in data:
            kwargs["days"] = _parse_days(data["days"])
        for name in ("start", "end"):
            if name in data:
                kwargs[name] = _parse_time(name, data[name])
        if "timezone" in data:
            kwargs["timezone"] = _parse_str("timezone", data["timezone"])
        if "skip_holidays" in data:
            if not isinstance(data["skip_holidays"], bool):
                raise ValueError(f"skip_holidays must be true or false, got {data['skip_holidays']!r}")
            kwargs["skip_holidays"] = data["skip_holidays"]
        if data.get("holiday_country") is not None:
            kwargs["holiday_country"] = _parse_str("holiday_country", data["holiday_country"])
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: days as sorted ISO weekdays, times as "HH:MM"."""
        return {
            "days": sorted(self.days),
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "timezone": self.timezone,
            "skip_holidays": self.skip_holidays,
            "holiday_country": self.holiday_country,
        }


def zone_info(name: str) -> zoneinfo.ZoneInfo:
    """Return the IANA zone called `name`, or raise ValueError naming it."""
    zone = _zone_or_none(name)
    if zone is None:
        raise ValueError(f"unknown time zone: {name!r}")
    return zone


@lru_cache(maxsize=4096)
def country_code(country: str | None) -> str | None:
    """Return the ISO 3166 alpha-2 code for a code or English name, or None if unknown."""
    return None if country is None else country_region(country)


@lru_cache(maxsize=4096)
def lead_zone(lead_time_zone: str | None, lead_country: str | None, fallback: str) -> zoneinfo.ZoneInfo:
    """Return the lead's own zone, else its country's main zone, else the fallback zone."""
    own = _zone_or_none(lead_time_zone) if lead_time_zone else None
    if own is not None:
        return own
    code = country_code(lead_country)
    country_zone = _zone_or_none(_country_zones().get(code)) if code else None
    return country_zone if country_zone is not None else zone_info(fallback)


def is_open(window: SendWindow, at_utc: datetime, zone: zoneinfo.ZoneInfo, holiday_country: str | None) -> bool:
    """Tell whether the window is open at `at_utc` in the lead's zone."""
    local = _as_utc("at_utc", at_utc).astimezone(zone)
    if not window.start <= local.time() < window.end:
        return False
    return _day_allowed(window, local.date(), _holiday_country(window, holiday_country))


def next_opening(
    window: SendWindow, after_utc: datetime, zone: zoneinfo.ZoneInfo, holiday_country: str | None
) -> datetime:
    """Return `after_utc` if the window is open then, else the UTC start of the next open window."""
    after_utc = _as_utc("after_utc", after_utc)
    if is_open(window, after_utc, zone, holiday_country):
        return after_utc
    first_day = after_utc.astimezone(zone).date()
    for day in _days_from(first_day):
        if not _day_allowed(window, day, _holiday_country(window, holiday_country)):
            continue
        for opening in _openings(window, day, zone):
            if opening > after_utc and is_open(window, opening, zone, holiday_country):
                return opening
    raise ValueError(f"send window does not open within {MAX_SEARCH_DAYS} days after {after_utc.isoformat()}")


def spread_slot(
    window: SendWindow,
    earliest_utc: datetime,
    zone: zoneinfo.ZoneInfo,
    holiday_country: str | None,
    key: str,
    *,
    day_load: int | None = None,
) -> datetime:
    """Return a stable UTC send time spread over the first usable window at or after `earliest_utc`."""
    if day_load is not None and day_load < 0:
        raise ValueError(f"day_load must be >= 0, got {day_load}")
    opening = next_opening(window, earliest_utc, zone, holiday_country)
    closing = _closing(window, opening, zone)
    if closing - opening < MIN_SLOT:
        opening = next_opening(window, closing, zone, holiday_country)
        closing = _closing(window, opening, zone)
    # Hashing the key gives one lead+step the same slot on every retry and spreads many leads evenly; a few
    # bookings can still clump by chance, so a caller that counts them (day_load) gets golden-ratio spacing.
    fraction = _key_fraction(key) if day_load is None else (day_load * _GOLDEN_STEP) % 1.0
    span_seconds = max(int((closing - opening).total_seconds()), 1)
    slot = opening + timedelta(seconds=min(int(span_seconds * fraction), span_seconds - 1))
    # A DST change inside the window (unheard of in business hours) could put the slot outside it.
    return slot if is_open(window, slot, zone, holiday_country) else opening


def _check_days(days: frozenset[int]) -> None:
    if not days:
        raise ValueError("send window needs at least one day")
    bad = [day for day in days if isinstance(day, bool) or not isinstance(day, int) or day not in ALL_DAYS]
    if bad:
        raise ValueError(f"send window days must be ISO weekdays 1-7, got {sorted(map(repr, bad))}")


def _check_time(name: str, value: time) -> None:
    if not isinstance(value, time):
        raise ValueError(f"send window {name} must be a time, got {value!r}")
    if value.tzinfo is not None:
        raise ValueError(f"send window {name} must be a local wall time without tzinfo, got {value!r}")
    # Whole minutes keep the "HH:MM" JSON form lossless.
    if value.second or value.microsecond:
        raise ValueError(f"send window {name} must be a whole minute, got {value.isoformat()}")


def _parse_days(value: Any) -> frozenset[int]:
    if not isinstance(value, list | tuple | set | frozenset):
        raise ValueError(f"send window days must be a list of ISO weekdays, got {value!r}")
    return frozenset(value)


def _parse_time(name: str, value: Any) -> time:
    if not isinstance(value, str):
        raise ValueError(f"send window {name} must be an \"HH:MM\" string, got {value!r}")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"send window {name} must be an \"HH:MM\" string, got {value!r}") from None


def _parse_str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"send window {name} must be a string, got {value!r}")
    return value


def _as_utc(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware UTC datetime, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def _zone_or_none(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # Bad keys fail in many ways: missing file, directory, non-TZif file, path tricks, NUL bytes.
        return None


@lru_cache(maxsize=1)
def _country_zones() -> dict[str, str]:
    zones: dict[str, str] = {}
    for line in _zone_table().splitlines():
        if line.strip() and not line.startswith("#"):
            code, _coordinates, name, *_ = line.split("\t")
            zones.setdefault(code, name)
    return zones | _MOST_POPULOUS_ZONE


def _zone_table() -> str:
    # The tzdata package is the same source zoneinfo falls back to, so it works without system tz files.
    try:
        return files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return ""


def _holiday_country(window: SendWindow, holiday_country: str | None) -> str | None:
    if not window.skip_holidays:
        return None
    return country_code(holiday_country) or window.holiday_country


def _day_allowed(window: SendWindow, day: date, holiday_country: str | None) -> bool:
    if day.isoweekday() not in window.days:
        return False
    return holiday_country is None or day not in _public_holidays(holiday_country, day.year)


@lru_cache(maxsize=1024)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        # The holidays package has no calendar for this country: no day is skipped rather than every day.
        return frozenset()


def _days_from(first: date) -> Iterator[date]:
    for offset in range(MAX_SEARCH_DAYS):
        yield first + timedelta(days=offset)


def _openings(window: SendWindow, day: date, zone: zoneinfo.ZoneInfo) -> list[datetime]:
    # Both readings of a start time in a repeated (fall-back) hour. A start inside a spring-forward gap
    # opens, per fold=0, as far past the gap's end as it was past the gap's start (02:30 -> 03:30).
    local = datetime.combine(day, window.start, tzinfo=zone)
    return sorted({local.astimezone(UTC), local.replace(fold=1).astimezone(UTC)})


def _closing(window: SendWindow, opening: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    # The earlier reading of an end time that falls in a DST gap or repeated hour, so the window never overruns.
    local = datetime.combine(opening.astimezone(zone).date(), window.end, tzinfo=zone)
    return min(local.astimezone(UTC), local.replace(fold=1).astimezone(UTC))


def _key_fraction(key: str) -> float:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    # 53 bits fit a float exactly, so the fraction stays below 1.0.
    return (int.from_bytes(digest, "big") >> 11) / 2**53


# Built last because validation uses the helpers above.
DEFAULT_WINDOW = SendWindow()
