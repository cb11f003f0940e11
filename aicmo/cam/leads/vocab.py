"""Static vocabularies for lead import: header aliases, free-mail domains, seniorities, country aliases.

Pure data, no behaviour: ``headers`` and ``normalize`` build their lookup tables from it once at import.
"""

from __future__ import annotations

IMPORT_FIELDS: frozenset[str] = frozenset({
    "first_name", "last_name", "full_name", "email", "title", "seniority", "department",
    "company_name", "company_domain", "company_size", "industry", "website", "linkedin_url",
    "sales_navigator_url", "contact_form_url", "phone", "city", "state", "country", "time_zone", "source", "tags",
})

# Lead field -> normalised header keys (see headers.header_key), best first. A header whose key is not
# listed anywhere is kept as a custom field: "email status", "secondary email", "company linkedin url",
# "contact owner", "company city", "lifecycle stage", "record id", ...
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "firstname", "first", "given name", "forename"),
    "last_name": ("last name", "lastname", "last", "surname", "family name"),
    "full_name": ("full name", "fullname", "name", "contact name", "person name", "lead name"),
    "email": ("email", "work email", "business email", "email address", "e mail", "e mail address",
              "mail", "emailaddress", "contact email", "person email"),
    "title": ("title", "job title", "jobtitle", "current title", "current job title", "position",
              "job position", "role", "designation"),
    "seniority": ("seniority", "seniority level", "management level"),
    "department": ("department", "departments", "job function", "function"),
    "company_name": ("company name", "company", "current company", "company name for emails",
                     "organization name", "organisation name", "organization", "organisation",
                     "account name", "employer", "business name"),
    "company_domain": ("company domain", "domain", "primary domain", "organization primary domain",
                       "organization domain", "company domain name", "account domain"),
    "company_size": ("employees", "company size", "company headcount", "number of employees",
                     "employee count", "employees count", "num employees", "headcount",
                     "estimated num employees", "organization estimated num employees", "company employees"),
    "industry": ("industry", "company industry", "organization industry", "sector"),
    "website": ("website", "company website", "website url", "company website url", "web site",
                "organization website url", "account website", "homepage", "company url"),
    "linkedin_url": ("linkedin url", "person linkedin url", "linkedin profile url", "linkedin profile",
                     "linkedin", "profile url", "public profile url", "linkedin bio"),
    "sales_navigator_url": ("sales navigator url", "sales navigator profile url", "linkedin sales navigator url",
                            "sales nav url", "salesnav url", "sales navigator link", "lead url"),
    "contact_form_url": ("contact form url", "contact form", "contact page", "contact page url",
                         "contact url"),
    "phone": ("work direct phone", "direct phone", "first phone", "mobile phone", "mobile phone number",
              "mobile", "phone", "phone number", "telephone", "tel", "work phone", "corporate phone",
              "home phone", "other phone"),
    "city": ("city", "person city", "town", "location"),
    "state": ("state", "state region", "province", "state province", "region"),
    "country": ("country", "country region", "country code", "nation"),
    "time_zone": ("time zone", "timezone", "tz"),
    "source": ("source", "lead source", "original source", "contact source", "data source"),
    "tags": ("tags", "tag", "labels", "label"),
}

# Header key prefixes of flattened person records ("person.email", "contactPhone"): tried after an exact
# alias miss, so "contact owner" (-> "owner", no alias) stays custom while "contact email" maps to email.
PERSON_PREFIXES: tuple[str, ...] = ("person ", "contact ", "lead ", "prospect ")

IGNORE_FIELDS: frozenset[str] = frozenset({"ignore", "-"})

# Reach fields: a file needs at least one of these columns to be worth importing.
REACH_FIELDS: tuple[str, ...] = ("email", "linkedin_url", "website", "contact_form_url", "company_domain")

FREE_MAIL_DOMAINS: frozenset[str] = frozenset({
    "gmail.com", "googlemail.com",
    "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.es", "yahoo.it", "yahoo.ca",
    "yahoo.com.au", "yahoo.com.br", "yahoo.co.in", "yahoo.co.jp", "ymail.com", "rocketmail.com",
    "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.it", "hotmail.es", "hotmail.nl",
    "outlook.com", "outlook.de", "outlook.fr", "live.com", "live.co.uk", "live.fr", "live.de", "live.nl",
    "msn.com", "aol.com", "aim.com", "icloud.com", "me.com", "mac.com",
    "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "tutanota.com", "tuta.io", "hushmail.com",
    "gmx.com", "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "gmx.fr", "web.de", "freenet.de", "t-online.de",
    "mail.ru", "bk.ru", "inbox.ru", "list.ru", "yandex.ru", "yandex.com", "ya.ru",
    "zoho.com", "zohomail.com", "fastmail.com", "fastmail.fm", "hey.com", "mail.com", "email.com",
    "qq.com", "163.com", "126.com", "sina.com", "naver.com", "daum.net", "hanmail.net", "rediffmail.com",
    "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net",
    "libero.it", "virgilio.it", "tiscali.it", "alice.it",
    "seznam.cz", "wp.pl", "o2.pl", "interia.pl", "onet.pl",
    "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "cox.net",
    "btinternet.com", "sky.com", "virginmedia.com", "bigpond.com", "shaw.ca", "rogers.com",
})

# A website on one of these is a profile page, not the company's own site: never a company domain.
NON_COMPANY_DOMAINS: frozenset[str] = frozenset({
    "linkedin.com", "facebook.com", "twitter.com", "x.com", "instagram.com", "youtube.com",
    "google.com", "wixsite.com", "about.me", "crunchbase.com",
})

SENIORITIES: tuple[str, ...] = (
    "owner", "founder", "c_suite", "partner", "vp", "head", "director", "manager", "senior", "entry",
    "intern",
)

# Normalised seniority text (lower, non-alphanumerics -> space) -> seniority.
SENIORITY_ALIASES: dict[str, str] = {
    **{s.replace("_", " "): s for s in SENIORITIES},
    "c suite": "c_suite", "csuite": "c_suite", "cxo": "c_suite", "c level": "c_suite",
    "vice president": "vp", "svp": "vp", "evp": "vp", "avp": "vp",
    "co founder": "founder", "cofounder": "founder",
    "principal": "senior", "junior": "entry", "entry level": "entry",
    "training": "intern", "unpaid": "intern", "trainee": "intern", "internship": "intern",
}

# Title regexes (applied to lower-cased, punctuation-as-space text) in rank order: the first match wins.
SENIORITY_TITLE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("owner", r"(?<!product )\bowner\b"),
    ("founder", r"\b(?:co ?founder|founder|founding partner)\b"),
    ("c_suite", r"\b(?:ceo|cto|cfo|coo|cmo|cio|cro|cpo|cso|cdo|chief)\b|(?<!vice )\bpresident\b"),
    ("partner", r"\bpartner\b"),
    ("vp", r"\b(?:vp|svp|evp|avp|vice president)\b"),
    ("head", r"\bhead\b"),
    ("director", r"\bdirector\b"),
    ("manager", r"\b(?:manager|mgr)\b"),
    ("intern", r"\b(?:intern|internship|trainee)\b"),
    ("senior", r"\b(?:senior|sr)\b"),
    ("entry", r"\b(?:junior|jr)\b"),
)

# Apollo departments after "master_" is stripped, where the raw slug is not a plain word.
DEPARTMENT_ALIASES: dict[str, str] = {
    "engineering technical": "engineering",
    "medical health": "medical",
}

# Lower-case name particles kept lower-case when re-casing an ALL CAPS / all lower name.
NAME_PARTICLES: frozenset[str] = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le",
    "ter", "ten", "zu", "bin", "binti", "ibn", "al", "y",
})
