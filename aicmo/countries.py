"""Country names as people write them ('Germany', 'DEU', 'UK', 'England') to ISO 3166 alpha-2 codes."""

from functools import lru_cache

import pycountry

# Lower-cased country text pycountry.countries.lookup does not know -> ISO 3166 alpha-2.
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB",
    "u.s.": "US", "u.s.a.": "US", "u.s": "US", "america": "US", "united states of america": "US",
    "deutschland": "DE", "russia": "RU", "korea": "KR", "south korea": "KR", "republic of korea": "KR",
    "turkey": "TR", "holland": "NL", "the netherlands": "NL", "uae": "AE", "ivory coast": "CI",
    "brasil": "BR", "españa": "ES", "espana": "ES", "macedonia": "MK", "palestine": "PS",
    "swaziland": "SZ", "cape verde": "CV", "micronesia": "FM", "vatican": "VA", "burma": "MM",
    "kosovo": "XK", "schweiz": "CH", "suisse": "CH", "österreich": "AT", "osterreich": "AT",
    "méxico": "MX", "italia": "IT", "polska": "PL", "nederland": "NL", "czechia": "CZ",
    "turkiye": "TR", "brunei": "BN",
}


@lru_cache(maxsize=4096)
def country_region(country: str) -> str | None:
    """'Germany', 'DE', 'DEU', 'USA', 'UK', 'England' -> ISO 3166 alpha-2; None when unknown."""
    key = " ".join(country.split()).lower()
    if not key:
        return None
    alias = COUNTRY_ALIASES.get(key)
    if alias is not None:
        return alias
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        return None
