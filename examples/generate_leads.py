"""Regenerate the example lead files next to this script (deterministic: same bytes on every run).

    .venv/bin/python examples/generate_leads.py

* ``leads.csv`` - an Apollo "people" export (bench/leadgen.py's APOLLO_HEADERS), plain UTF-8, comma:
  240 rows = 220 distinct people + 15 duplicate rows (other email case / spacing, other LinkedIn URL
  form, changed title ...) + 3 rows with a malformed email + 2 unreachable rows (no email, LinkedIn
  or website). The people are a mix a B2B SaaS selling to engineering and sales leaders grades
  differently: engineering/sales leaders at 50-1000 employee software companies in US/UK/DE/FR/NL/CA,
  their teams, interns and students, 2-8 person shops, 50,000+ employee companies, retailers and
  hotels, and companies in other countries.
* ``salesnav_export.csv`` - a LinkedIn Sales Navigator export: semicolon-separated, Windows-1252,
  no emails. 40 rows = 38 distinct people + 2 duplicates; 6 of the people are also in leads.csv
  (same LinkedIn profile, another URL form).
* ``hubspot_export.json`` - 20 HubSpot contacts; 4 of them are people from leads.csv (same email in
  another case).
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from faker import Faker

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "bench"))
import leadgen  # noqa: E402

SEED = 2024
Country = leadgen.Country

# Countries leadgen does not cover, for the "other countries" people.
_EXTRA_COUNTRIES = (
    Country(
        "JP",
        "Japan",
        0,
        "ja_JP",
        (".co.jp", ".jp"),
        (("Tokyo", "Tokyo"), ("Osaka", "Osaka")),
        "81",
        "0",
        (("3", 8), ("6", 8)),
        (("90", 8),),
        "sp",
    ),
    Country(
        "MX",
        "Mexico",
        0,
        "es_MX",
        (".com.mx", ".mx"),
        (("Mexico City", "Mexico City"), ("Guadalajara", "Jalisco"), ("Monterrey", "Nuevo León")),
        "52",
        "",
        (("55", 8), ("33", 8)),
        (("55", 8),),
        "sp",
    ),
    Country(
        "CZ",
        "Czechia",
        0,
        "cs_CZ",
        (".cz",),
        (("Prague", "Prague"), ("Brno", "South Moravian Region")),
        "420",
        "",
        (("2", 8),),
        (("72", 7),),
        "sp",
    ),
    Country(
        "DK",
        "Denmark",
        0,
        "da_DK",
        (".dk",),
        (("Copenhagen", "Capital Region of Denmark"), ("Aarhus", "Central Denmark Region")),
        "45",
        "",
        (("32", 6), ("33", 6)),
        (("20", 6), ("40", 6)),
        "pairs",
    ),
)
COUNTRY = {c.code: c for c in (*leadgen.COUNTRIES, *_EXTRA_COUNTRIES)}
FIT_COUNTRIES = ("US", "US", "US", "US", "GB", "GB", "DE", "DE", "FR", "NL", "CA")
SOFTWARE = ("computer software", "computer software", "information technology & services", "internet")
NAME_LOCALE = {
    "US": "en_US",
    "GB": "en_GB",
    "DE": "de_DE",
    "FR": "fr_FR",
    "NL": "nl_NL",
    "CA": "en_CA",
    "AU": "en_AU",
    "IN": "en_IN",
    "ES": "es_ES",
    "SE": "sv_SE",
    "BR": "pt_BR",
    "IE": "en_IE",
    "PL": "pl_PL",
    "JP": "ja_JP",
    "MX": "es_MX",
    "CZ": "cs_CZ",
    "DK": "da_DK",
}

# (title, Apollo seniority, Apollo departments)
ENG = "master_engineering_technical"
SALES = "master_sales"
LEADER_TITLES = (
    ("VP of Engineering", "vp", ENG),
    ("VP Engineering", "vp", ENG),
    ("Head of Engineering", "head", ENG),
    ("Director of Engineering", "director", ENG),
    ("CTO", "c_suite", f"c_suite, {ENG}"),
    ("Head of Platform Engineering", "head", ENG),
    ("Senior Director, Engineering", "director", ENG),
    ("VP of Sales", "vp", SALES),
    ("VP Sales", "vp", SALES),
    ("Head of Sales", "head", SALES),
    ("Director of Sales", "director", SALES),
    ("Sales Director", "director", SALES),
    ("Chief Revenue Officer", "c_suite", f"c_suite, {SALES}"),
    ("Head of Sales Development", "head", SALES),
    ("VP, Sales EMEA", "vp", SALES),
)
TEAM_TITLES = (
    ("Engineering Manager", "manager", ENG),
    ("Senior Software Engineer", "senior", ENG),
    ("Software Engineer", "entry", ENG),
    ("Staff Engineer", "senior", ENG),
    ("Account Executive", "senior", SALES),
    ("Sales Development Representative", "entry", SALES),
    ("Sales Manager", "manager", SALES),
    ("Marketing Manager", "manager", "master_marketing"),
    ("HR Business Partner", "senior", "master_human_resources"),
    ("Customer Success Manager", "manager", "master_operations"),
    ("Product Manager", "manager", "master_operations"),
)
INTERN_TITLES = (
    ("Software Engineering Intern", "intern", ENG),
    ("Sales Intern", "intern", SALES),
    ("Marketing Intern", "intern", "master_marketing"),
    ("Werkstudent Softwareentwicklung", "intern", ENG),
)
STUDENT_TITLES = (
    ("Student", "entry", "master_education"),
    ("MSc Computer Science Student", "entry", "master_education"),
    ("PhD Candidate", "entry", "master_education"),
    ("Research Assistant", "entry", "master_education"),
    ("Lecturer in Computer Science", "senior", "master_education"),
)
FOUNDER_TITLES = (
    ("Founder", "founder", "c_suite"),
    ("Co-Founder & CEO", "founder", "c_suite"),
    ("Owner", "owner", "c_suite"),
    ("Founder & CTO", "founder", f"c_suite, {ENG}"),
    ("Managing Director", "c_suite", "c_suite"),
)
RETAIL_TITLES = (
    ("Store Manager", "manager", "master_operations"),
    ("General Manager", "manager", "master_operations"),
    ("Head of Sales", "head", SALES),
    ("VP of Sales", "vp", SALES),
    ("Director of Operations", "director", "master_operations"),
    ("Sales Associate", "entry", SALES),
    ("Front Office Manager", "manager", "master_operations"),
    ("Head of E-commerce", "head", "master_marketing"),
    ("Director of Engineering", "director", ENG),
    ("Regional Sales Manager", "manager", SALES),
)
# Leaders written in the local language, as Apollo often has them.
LOCAL_TITLES = {
    "DE": ("Leiter Softwareentwicklung", "head", ENG),
    "FR": ("Directrice Commerciale", "director", SALES),
}

TECH = (
    "Salesforce",
    "HubSpot",
    "AWS",
    "Google Cloud",
    "Slack",
    "Jira",
    "GitHub",
    "GitLab",
    "Kubernetes",
    "Datadog",
    "Snowflake",
    "Segment",
    "Zendesk",
    "Stripe",
    "Shopify",
    "Outreach",
    "Gong",
    "Okta",
    "React",
)
KEYWORDS = {
    "computer software": ("saas", "b2b", "devops", "developer tools", "api", "cloud"),
    "information technology & services": ("it services", "cloud", "consulting", "managed services"),
    "internet": ("marketplace", "saas", "e-commerce", "platform"),
    "marketing & advertising": ("digital marketing", "seo", "branding"),
    "retail": ("retail", "omnichannel", "consumer goods", "stores"),
    "hospitality": ("hotels", "hospitality", "restaurants", "travel"),
    "higher education": ("education", "research", "university"),
    "logistics & supply chain": ("logistics", "freight", "supply chain"),
    "hospital & health care": ("healthcare", "patient care"),
}
BRAND_HEADS = (
    "Bright",
    "Cloud",
    "Stack",
    "North",
    "Signal",
    "Vector",
    "Orbit",
    "Lumen",
    "Atlas",
    "Nimbus",
    "Beacon",
    "Cobalt",
    "Helix",
    "Kinetic",
    "Lattice",
    "Prism",
    "Quill",
    "Tidal",
    "Vivid",
    "Zephyr",
    "Ember",
    "Glide",
    "Meridian",
    "Onyx",
    "Harbor",
    "Summit",
    "Kite",
    "Birch",
    "Delta",
    "Fable",
)
BRAND_TAILS = (
    "path",
    "ly",
    "works",
    "labs",
    "base",
    "loop",
    "grid",
    "scale",
    "ops",
    "flow",
    "desk",
    "hub",
    "sync",
)
RETAIL_NAMES = (
    "Maple & Co Stores",
    "Riverside Market",
    "Golden Basket Supermarkets",
    "Cedar Home & Garden",
    "Alpine Outfitters",
    "Northgate Fashion",
    "Harbor Hotels Group",
    "Riverside Inns",
    "Golden Key Resorts",
    "Cedar Lodge Hospitality",
    "Alpine Stay Hotels",
    "Lakeside Bistro Group",
)
GIANTS = (
    ("Hooli", "hooli.com", "US", "computer software", 72_000),
    ("Globex Corporation", "globex.com", "US", "retail", 118_000),
    ("Initech Global", "initech.com", "GB", "information technology & services", 54_000),
    ("Vandelay Industries", "vandelay.com", "US", "logistics & supply chain", 61_000),
    ("Soylent Health", "soylenthealth.com", "DE", "hospital & health care", 83_000),
)
UNIVERSITIES = (
    ("Northbridge University", "northbridge.ac.uk", "GB", 6_400),
    ("Eastlake State University", "eastlake.edu", "US", 9_100),
)
PERSONAL_DOMAINS = ("gmail.com", "gmail.com", "yahoo.com", "outlook.com", "gmail.com")
WEBSITE_FORMS = ("http://www.{}", "{}", "https://{}/", "https://www.{}", "www.{}")
LINKEDIN_VARIANTS = (
    "http://www.linkedin.com/in/{}",
    "https://de.linkedin.com/in/{}/",
    "https://www.linkedin.com/in/{}?utm_source=share&utm_medium=member_desktop",
    "https://www.linkedin.com/in/{}/",
    "linkedin.com/in/{}",
    "https://uk.linkedin.com/in/{}",
)

# People who must be in leads.csv: (first, last, company segment, country, title or None).
NAMED_PEOPLE = (
    ("Jonas", "Müller", "fit", "DE", ("Head of Engineering", "head", ENG)),
    ("Lucía", "Gómez", "abroad", "ES", ("VP of Sales", "vp", SALES)),
    ("Tomáš", "Dvořák", "abroad", "CZ", ("Director of Engineering", "director", ENG)),
    ("Zoë", "Clarke", "fit", "GB", ("VP of Engineering", "vp", ENG)),
    ("Łukasz", "Kowalczyk", "abroad", "PL", ("Engineering Manager", "manager", ENG)),
    ("Søren", "Mikkelsen", "abroad", "DK", ("Head of Sales", "head", SALES)),
    ("Françoise", "Lefèvre", "fit", "FR", ("Directrice Commerciale", "director", SALES)),
    ("Renée", "O'Connor", "fit", "CA", ("Director of Sales", "director", SALES)),
    ("Jan", "van der Berg", "fit", "NL", ("CTO", "c_suite", f"c_suite, {ENG}")),
    ("María José", "Fernández", "abroad", "MX", ("Head of Engineering", "head", ENG)),
    ("Björn", "Åkesson", "abroad", "SE", ("VP Sales", "vp", SALES)),
    ("Chloé", "Dubois", "fit", "FR", ("Software Engineering Intern", "intern", ENG)),
    ("Jürgen", "Weiß", "giant", "DE", ("VP of Engineering", "vp", ENG)),
    ("Siobhán", "Ní Bhriain", "abroad", "IE", ("Head of Engineering", "head", ENG)),
)


# --------------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------------


@dataclass
class Co:
    name: str
    domain: str
    industry: str
    employees: int
    country: Country
    city: str
    state: str
    segment: str
    address: str = ""
    keywords: str = ""
    technologies: str = ""
    revenue: str = ""
    phone: str = ""
    account_id: str = ""


@dataclass
class Person:
    first: str
    last: str
    title: tuple[str, str, str]
    co: Co
    email: str = ""
    email_status: str = "Unavailable"
    slug: str = ""
    phones: tuple[str, str, str] = ("", "", "")  # first, work direct, mobile
    city: str = ""
    state: str = ""
    contact_id: str = ""
    owner: str = ""
    website_form: str = "{}"
    extras: dict[str, str] = field(default_factory=dict)  # column -> overriding value

    @property
    def linkedin(self) -> str:
        return f"https://www.linkedin.com/in/{self.slug}" if self.slug else ""


class World:
    """All the random choices of the examples, from one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.fakers: dict[str, Faker] = {}
        self.domains: set[str] = set()
        self.emails: set[str] = set()
        self.slugs: set[str] = set()
        self.name_keys: set[tuple[str, str]] = set()
        self.companies: dict[str, list[Co]] = {}

    def faker(self, code: str) -> Faker:
        if code not in self.fakers:
            fake = Faker(NAME_LOCALE[code])
            fake.seed_instance(self.seed + len(self.fakers))
            self.fakers[code] = fake
        return self.fakers[code]

    # ---- companies ---------------------------------------------------------------------------------

    def _domain(self, core: str, country: Country) -> str:
        base = "".join(ch for ch in leadgen.ascii_fold(core).lower() if ch.isalnum())
        for label in (base, base + "hq", "get" + base, "try" + base, base + "app"):
            domain = label + self.rng.choice(country.tlds)
            if domain not in self.domains:
                self.domains.add(domain)
                return domain
        raise RuntimeError(core)

    def _finish(self, co: Co) -> Co:
        rng, fake = self.rng, self.faker(co.country.code)
        street = fake.street_address().replace("\n", " ")
        co.address = f"{street}, {co.city}, {co.state}, {co.country.name}, {fake.postcode()}"
        words = KEYWORDS.get(co.industry, ("services",))
        co.keywords = ", ".join(rng.sample(words, min(len(words), rng.randint(2, 4))))
        co.technologies = ", ".join(rng.sample(TECH, rng.randint(3, 7)))
        co.revenue = "" if rng.random() < 0.2 else str(round(co.employees * rng.randint(60, 300) * 1000, -5))
        if rng.random() < 0.8:
            co.phone = leadgen.format_phone(co.country, rng.getrandbits(40), style=rng.randrange(4))
        co.account_id = f"{0x5F100000 + len(self.domains):08x}{rng.getrandbits(64):016x}"
        self.companies.setdefault(co.segment, []).append(co)
        return co

    def brand_company(self, segment: str, code: str, industry: str, employees: int) -> Co:
        country = COUNTRY[code]
        core = self.rng.choice(BRAND_HEADS) + self.rng.choice(BRAND_TAILS)
        while any(d.startswith(core.lower() + ".") for d in self.domains):
            core = self.rng.choice(BRAND_HEADS) + self.rng.choice(BRAND_TAILS)
        suffix = self.rng.choice(("", "", " Inc.", " Labs", " GmbH" if code == "DE" else " Ltd"))
        name = core + ("" if suffix == " Labs" and core.endswith("labs") else suffix)
        city, state = self.rng.choice(country.cities)
        return self._finish(
            Co(name, self._domain(core, country), industry, employees, country, city, state, segment)
        )

    def named_company(
        self, segment: str, name: str, domain: str, code: str, industry: str, employees: int
    ) -> Co:
        country = COUNTRY[code]
        self.domains.add(domain)
        city, state = self.rng.choice(country.cities)
        return self._finish(Co(name, domain, industry, employees, country, city, state, segment))

    def build_companies(self) -> None:
        rng = self.rng
        for _ in range(30):
            self.brand_company("fit", rng.choice(FIT_COUNTRIES), rng.choice(SOFTWARE), _size(rng, 50, 1000))
        for _ in range(4):
            self.brand_company(
                "large", rng.choice(FIT_COUNTRIES), rng.choice(SOFTWARE), _size(rng, 1500, 5000)
            )
        for code in ("IN", "BR", "AU", "ES", "PL", "CZ", "DK", "SE", "IE", "MX", "JP"):
            self.brand_company("abroad", code, rng.choice(SOFTWARE), _size(rng, 50, 900))
        for _ in range(8):
            industry = rng.choice((*SOFTWARE, "marketing & advertising"))
            self.brand_company("tiny", rng.choice(FIT_COUNTRIES), industry, rng.randint(2, 8))
        for name, domain, code, industry, employees in GIANTS:
            self.named_company("giant", name, domain, code, industry, employees)
        for i, name in enumerate(RETAIL_NAMES):
            industry = "retail" if i < 6 else "hospitality"
            core = name.split()[0] + name.split()[1].strip("&")
            country = COUNTRY[rng.choice(FIT_COUNTRIES)]
            self.named_company(
                "retail", name, self._domain(core, country), country.code, industry, _size(rng, 15, 30_000)
            )
        for name, domain, code, employees in UNIVERSITIES:
            self.named_company("university", name, domain, code, "higher education", employees)
        for code, industry in (
            ("JP", "retail"),
            ("MX", "hospitality"),
            ("IN", "logistics & supply chain"),
            ("BR", "retail"),
        ):
            self.brand_company("foreign_other", code, industry, _size(rng, 200, 20_000))

    # ---- people ------------------------------------------------------------------------------------

    def _names(self, code: str) -> tuple[str, str]:
        fake = self.faker(code)
        if code == "JP":
            return fake.first_romanized_name(), fake.last_romanized_name()
        if self.rng.random() < 0.5:
            return fake.first_name_male(), fake.last_name_male()
        return fake.first_name_female(), fake.last_name_female()

    def _email(self, first: str, last: str, co: Co, personal: bool) -> str:
        f = "".join(ch for ch in leadgen.ascii_fold(first).lower() if ch.isalnum())
        ln = "".join(ch for ch in leadgen.ascii_fold(last).lower() if ch.isalnum())
        domain = self.rng.choice(PERSONAL_DOMAINS) if personal else co.domain
        forms = (f"{f}.{ln}", f"{f[0]}{ln}", f, f"{f}_{ln}", f"{f}.{ln}{self.rng.randint(1, 99)}")
        weights = (6, 2, 1 if co.employees < 20 else 0, 1, 3 if personal else 0)
        for local in [*self.rng.choices(forms, weights, k=3), f"{f}.{ln}.{len(self.emails)}"]:
            email = f"{local}@{domain}"
            if email not in self.emails:
                self.emails.add(email)
                return email
        raise RuntimeError(email)

    def _slug(self, first: str, last: str) -> str:
        base = "-".join(
            "".join(ch for ch in leadgen.ascii_fold(part).lower() if ch.isalnum())
            for part in f"{first} {last}".replace("-", " ").split()
        )
        slug = base if self.rng.random() < 0.25 else f"{base}-{self.rng.getrandbits(32):08x}"
        while slug in self.slugs:
            slug = f"{base}-{self.rng.getrandbits(32):08x}"
        self.slugs.add(slug)
        return slug

    def _phones(self, co: Co) -> tuple[str, str, str]:
        rng = self.rng
        if rng.random() < 0.25:
            return ("", "", "")
        style = rng.randrange(5)
        direct = (
            leadgen.format_phone(co.country, rng.getrandbits(40), style=style) if rng.random() < 0.6 else ""
        )
        mobile = (
            ""
            if direct and rng.random() < 0.5
            else leadgen.format_phone(co.country, rng.getrandbits(40), mobile=True, style=style)
        )
        return (direct or mobile, direct, mobile)

    def person(
        self,
        co: Co,
        title: tuple[str, str, str],
        *,
        names: tuple[str, str] | None = None,
        email: bool = True,
        personal: bool = False,
        linkedin: bool = True,
    ) -> Person:
        rng = self.rng
        first, last = names or self._names(co.country.code)
        while (f"{first} {last}".lower(), co.domain) in self.name_keys:
            first, last = self._names(co.country.code)
        self.name_keys.add((f"{first} {last}".lower(), co.domain))
        city, state = (co.city, co.state) if rng.random() < 0.8 else rng.choice(co.country.cities)
        p = Person(
            first,
            last,
            title,
            co,
            city=city,
            state=state,
            contact_id=f"{0x61000000 + len(self.name_keys):08x}{rng.getrandbits(64):016x}",
            owner=rng.choice(("", "", "maria.lopez@example.com", "sam.okafor@example.com")),
            website_form=rng.choice(WEBSITE_FORMS),
            phones=self._phones(co),
        )
        if email:
            p.email = self._email(first, last, co, personal)
            p.email_status = rng.choice(("Verified", "Verified", "Verified", "Unverified", "Extrapolated"))
        if linkedin or not email:
            p.slug = self._slug(first, last)
        return p


def _size(rng: random.Random, low: int, high: int) -> int:
    count = round(float(low * (high / low) ** rng.random()))
    return round(count, -1) if count > 200 else count


# --------------------------------------------------------------------------------------------------
# leads.csv
# --------------------------------------------------------------------------------------------------

# (segment, number of people, title list)
PLAN = (
    ("fit", 76, LEADER_TITLES),
    ("fit", 30, TEAM_TITLES),
    ("fit", 6, INTERN_TITLES),
    ("large", 8, LEADER_TITLES + TEAM_TITLES[:3]),
    ("abroad", 10, LEADER_TITLES),
    ("tiny", 15, FOUNDER_TITLES + LEADER_TITLES[:2]),
    ("giant", 14, LEADER_TITLES + TEAM_TITLES),
    ("retail", 30, RETAIL_TITLES),
    ("university", 10, STUDENT_TITLES),
    ("foreign_other", 7, RETAIL_TITLES + LEADER_TITLES[:4]),
)


def _company_in(world: World, segment: str, code: str | None = None) -> Co:
    pool = [c for c in world.companies[segment] if code is None or c.country.code == code]
    if not pool:  # e.g. no fit company in that country yet
        return world.brand_company(segment, code or "US", SOFTWARE[0], _size(world.rng, 60, 800))
    return world.rng.choice(pool)


def build_people(world: World) -> list[Person]:
    rng = world.rng
    people = [
        world.person(_company_in(world, segment, code), title, names=(first, last))
        for first, last, segment, code, title in NAMED_PEOPLE
    ]
    for segment, count, titles in PLAN:
        for _ in range(count):
            co = _company_in(world, segment)
            title = rng.choice(titles)
            if co.country.code in LOCAL_TITLES and title in LEADER_TITLES and rng.random() < 0.1:
                title = LOCAL_TITLES[co.country.code]
            kind = rng.random()
            people.append(
                world.person(
                    co,
                    title,
                    email=kind >= 0.09,
                    personal=0.09 <= kind < 0.125,
                    linkedin=kind < 0.09 or kind >= 0.16,
                )
            )
    rng.shuffle(people)
    return people


def _apollo_row(p: Person) -> list[str]:
    co = p.co
    title, seniority, departments = p.title
    values = {
        "First Name": p.first,
        "Last Name": p.last,
        "Title": title,
        "Company": co.name,
        "Company Name for Emails": co.name.removesuffix(" Inc.").removesuffix(" Ltd").removesuffix(" GmbH"),
        "Email": p.email,
        "Email Status": p.email_status,
        "Seniority": seniority,
        "Departments": departments,
        "Contact Owner": p.owner,
        "First Phone": p.phones[0],
        "Work Direct Phone": p.phones[1],
        "Mobile Phone": p.phones[2],
        "Corporate Phone": co.phone,
        "# Employees": str(co.employees),
        "Industry": co.industry,
        "Keywords": co.keywords,
        "Person Linkedin Url": p.linkedin,
        "Website": p.website_form.format(co.domain),
        "Company Linkedin Url": f"http://www.linkedin.com/company/{co.domain.split('.')[0]}",
        "City": p.city,
        "State": p.state,
        "Country": co.country.name,
        "Company Address": co.address,
        "Company City": co.city,
        "Company State": co.state,
        "Company Country": co.country.name,
        "Technologies": co.technologies,
        "Annual Revenue": co.revenue,
        "Apollo Contact Id": p.contact_id,
        "Apollo Account Id": co.account_id,
    }
    values.update(p.extras)
    return [values[h] for h in leadgen.APOLLO_HEADERS]


def _add_mess(world: World, people: list[Person]) -> None:
    """ALL CAPS names, stray whitespace and a multi-line address on some of the originals."""
    rng = world.rng
    for p in rng.sample(people, 5):
        p.extras["First Name"], p.extras["Last Name"] = p.first.upper(), p.last.upper()
    for p in rng.sample(people, 8):
        column = rng.choice(("First Name", "Last Name", "Title", "Company", "Email"))
        value = p.extras.get(column) or _apollo_row(p)[leadgen.APOLLO_HEADERS.index(column)]
        if value:
            p.extras[column] = f"  {value} "
    target = next(c for c in world.companies["fit"] if c.country.code == "US")
    target.address = f"500 Howard Street\nSuite 400, {target.city}, {target.state}, United States, 94105"


def _duplicate(world: World, p: Person, variant: int) -> Person:
    """Another export of the same person: same keys, written differently, some fields changed."""
    rng = world.rng
    extras = dict(p.extras)
    if p.email:
        extras["Email"] = (p.email.upper(), f" {p.email} ", p.email.title(), p.email)[variant % 4]
    if p.slug:
        extras["Person Linkedin Url"] = LINKEDIN_VARIANTS[variant % len(LINKEDIN_VARIANTS)].format(p.slug)
    if p.email and p.slug and variant % 5 == 4:
        extras["Email"], extras["Email Status"] = "", "Unavailable"
    if variant % 3 == 0:
        extras["Title"] = rng.choice([t for t in LEADER_TITLES + TEAM_TITLES if t[2] == p.title[2]])[0]
    for column in rng.sample(
        (
            "First Phone",
            "Work Direct Phone",
            "Mobile Phone",
            "City",
            "State",
            "Technologies",
            "Annual Revenue",
            "Keywords",
        ),
        3,
    ):
        extras[column] = ""
    return replace(p, website_form=rng.choice(WEBSITE_FORMS), owner="", extras=extras)


def _rejects(world: World) -> list[Person]:
    """3 rows with a malformed email and 2 unreachable rows (no email, LinkedIn, website or phone)."""
    rng = world.rng
    rows = []
    bad_emails = ("{f}.{l}@", "{f}@@{d}", "{f}.{l}.{d}")
    for i in range(5):
        co = _company_in(world, rng.choice(("fit", "retail", "tiny")))
        p = world.person(co, rng.choice(LEADER_TITLES + TEAM_TITLES), email=False, linkedin=False)
        p.slug, p.phones = "", ("", "", "")
        f, ln = (
            leadgen.ascii_fold(p.first).lower().replace(" ", ""),
            leadgen.ascii_fold(p.last).lower().replace(" ", ""),
        )
        p.extras.update({"Website": "", "Company Linkedin Url": "", "Corporate Phone": ""})
        if i < 3:
            p.extras["Email"], p.extras["Email Status"] = (
                bad_emails[i].format(f=f, l=ln, d=co.domain),
                "Unverified",
            )
        rows.append(p)
    return rows


def build_leads(world: World) -> tuple[list[Person], list[list[str]]]:
    people = build_people(world)
    _add_mess(world, people)
    ordered: list[Person] = list(people)
    dup_sources = world.rng.sample([p for p in people if p.email or p.slug], 15)
    specials: list[tuple[Person | None, Person]] = [
        (src, _duplicate(world, src, i)) for i, src in enumerate(dup_sources)
    ]
    specials += [(None, p) for p in _rejects(world)]
    for source, row in specials:
        after = next(i for i, p in enumerate(ordered) if p is source) + 1 if source else 0
        ordered.insert(world.rng.randint(after, len(ordered)), row)
    return people, [_apollo_row(p) for p in ordered]


# --------------------------------------------------------------------------------------------------
# salesnav_export.csv
# --------------------------------------------------------------------------------------------------

SALESNAV_HEADERS = [
    "First Name",
    "Last Name",
    "Full Name",
    "Job Title",
    "Company",
    "Company Website",
    "LinkedIn URL",
    "Location",
    "Industry",
    "Company Headcount",
]
LINKEDIN_INDUSTRY = {
    "computer software": "Software Development",
    "internet": "Technology, Information and Internet",
    "information technology & services": "IT Services and IT Consulting",
    "retail": "Retail",
    "hospitality": "Hospitality",
    "marketing & advertising": "Advertising Services",
    "higher education": "Higher Education",
    "logistics & supply chain": "Transportation, Logistics",
    "hospital & health care": "Hospitals and Health Care",
}
SALESNAV_URL_FORMS = (
    "https://www.linkedin.com/in/{}",
    "https://www.linkedin.com/in/{}/",
    "https://de.linkedin.com/in/{}",
    "https://fr.linkedin.com/in/{}/?originalSubdomain=fr",
    "http://linkedin.com/in/{}",
    "https://www.linkedin.com/in/{}?trk=public_profile",
    "https://nl.linkedin.com/in/{}",
)
SALESNAV_NAMES = (
    ("Mette", "Sørensen", "DK"),
    ("Françoise", "Moreau", "FR"),
    ("Andrés", "Gómez", "ES"),
    ("Lena", "Müller", "DE"),
    ("Renée", "Fontaine", "CA"),
    ("Björn", "Lindström", "SE"),
    ("Zoë", "Hartley", "GB"),
    ("Noël", "Dupré", "FR"),
    ("Jörg", "Schäfer", "DE"),
)


def _headcount(employees: int) -> str:
    for low, high in ((1, 10), (11, 50), (51, 200), (201, 500), (501, 1000), (1001, 5000), (5001, 10000)):
        if employees <= high:
            return f"{low}-{high}" if low > 1 else "2-10"
    return "10001+"


METRO_AREAS = {
    "San Francisco": "San Francisco Bay Area",
    "New York": "New York City Metropolitan Area",
    "Toronto": "Greater Toronto Area, Canada",
    "Paris": "Greater Paris Metropolitan Region",
    "London": "London Area, United Kingdom",
    "Amsterdam": "Amsterdam Area",
}


def _location(p: Person) -> str:
    if p.city in METRO_AREAS:
        return METRO_AREAS[p.city]
    if p.co.country.code in ("US", "GB"):
        return f"{p.city}, {p.state}, {p.co.country.name}"
    return f"{p.city}, {p.co.country.name}"


def _cp1252_ok(*parts: str) -> bool:
    try:
        "".join(parts).encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _salesnav_row(p: Person, url_form: str, title: str | None = None) -> list[str]:
    website = "" if p.co.segment == "giant" else p.website_form.format(p.co.domain)
    return [
        p.first,
        p.last,
        f"{p.first} {p.last}",
        title or p.title[0],
        p.co.name,
        website,
        url_form.format(p.slug),
        _location(p),
        LINKEDIN_INDUSTRY.get(p.co.industry, p.co.industry.title()),
        _headcount(p.co.employees),
    ]


def build_salesnav(world: World, leads_people: list[Person]) -> list[list[str]]:
    rng = world.rng
    named = {("Jonas", "Müller"), ("Lucía", "Gómez")}
    overlap = [
        p
        for p in leads_people
        if p.slug
        and p.co.segment in ("fit", "abroad")
        and _cp1252_ok(p.first, p.last, p.co.name, p.title[0], p.city, p.state)
    ]
    overlap = [p for p in overlap if (p.first, p.last) in named] + rng.sample(
        [p for p in overlap if (p.first, p.last) not in named], 4
    )
    fresh: list[Person] = []
    for first, last, code in SALESNAV_NAMES:
        segment = "fit" if code in ("DE", "FR", "CA", "GB") else "abroad"
        fresh.append(
            world.person(
                _company_in(world, segment, code), rng.choice(LEADER_TITLES), names=(first, last), email=False
            )
        )
    while len(fresh) < 32:
        segment = rng.choice(("fit", "fit", "fit", "tiny", "retail", "giant", "large"))
        titles = RETAIL_TITLES if segment == "retail" else LEADER_TITLES + TEAM_TITLES
        p = world.person(_company_in(world, segment), rng.choice(titles), email=False)
        if _cp1252_ok(p.first, p.last, p.co.name, p.title[0], p.city, p.state):
            fresh.append(p)
    people = overlap + fresh
    rng.shuffle(people)
    rows = [_salesnav_row(p, rng.choice(SALESNAV_URL_FORMS)) for p in people]
    for p in rng.sample(fresh, 2):  # the same lead saved twice, with another URL form
        at = next(i for i, r in enumerate(rows) if r[0] == p.first and r[1] == p.last) + 1
        rows.insert(rng.randint(at, len(rows)), _salesnav_row(p, "https://www.linkedin.com/in/{}/?trk=sales"))
    return rows


# --------------------------------------------------------------------------------------------------
# hubspot_export.json
# --------------------------------------------------------------------------------------------------

LIFECYCLE = (
    "Subscriber",
    "Lead",
    "Lead",
    "Marketing Qualified Lead",
    "Sales Qualified Lead",
    "Opportunity",
    "Customer",
)
HUBSPOT_INDUSTRY = {
    "computer software": "Computer Software",
    "internet": "Internet",
    "information technology & services": "Information Technology and Services",
    "retail": "Retail",
    "hospitality": "Hospitality",
    "marketing & advertising": "Marketing and Advertising",
    "higher education": "Higher Education",
    "logistics & supply chain": "Logistics and Supply Chain",
    "hospital & health care": "Hospital & Health Care",
}


def _hubspot_record(world: World, p: Person, email: str) -> dict[str, object]:
    rng = world.rng
    phone = p.phones[0] or leadgen.format_phone(p.co.country, rng.getrandbits(40), style=rng.randrange(5))
    return {
        "First Name": p.first,
        "Last Name": p.last,
        "Email": email,
        "Job Title": p.title[0],
        "Company Name": p.co.name,
        "Website URL": f"https://www.{p.co.domain}" if rng.random() < 0.8 else p.co.domain,
        "Phone Number": phone if rng.random() < 0.8 else "",
        "City": p.city,
        "Country/Region": p.co.country.name,
        "Industry": HUBSPOT_INDUSTRY.get(p.co.industry, p.co.industry.title()),
        "Number of Employees": p.co.employees,
        "Lifecycle Stage": rng.choice(LIFECYCLE),
        "Record ID": str(rng.randint(10_000_000_000, 99_999_999_999)),
    }


def build_hubspot(world: World, leads_people: list[Person]) -> list[dict[str, object]]:
    rng = world.rng
    known = rng.sample([p for p in leads_people if p.email and not p.email.endswith(PERSONAL_DOMAINS)], 4)
    records = [
        _hubspot_record(world, p, p.email.capitalize() if i % 2 else p.email.upper())
        for i, p in enumerate(known)
    ]
    while len(records) < 20:
        segment = rng.choice(("fit", "fit", "fit", "abroad", "tiny", "retail", "large"))
        titles = RETAIL_TITLES if segment == "retail" else LEADER_TITLES + TEAM_TITLES
        p = world.person(_company_in(world, segment), rng.choice(titles))
        records.append(_hubspot_record(world, p, p.email))
    rng.shuffle(records)
    return records


# --------------------------------------------------------------------------------------------------


def _csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def main(out_dir: Path = HERE, seed: int = SEED) -> None:
    world = World(seed)
    world.build_companies()
    people, lead_rows = build_leads(world)
    salesnav_rows = build_salesnav(world, people)
    hubspot = build_hubspot(world, people)
    (out_dir / "leads.csv").write_bytes(_csv_text(leadgen.APOLLO_HEADERS, lead_rows).encode("utf-8"))
    (out_dir / "salesnav_export.csv").write_bytes(
        _csv_text(SALESNAV_HEADERS, salesnav_rows, delimiter=";").encode("cp1252")
    )
    text = json.dumps(hubspot, ensure_ascii=False, indent=2) + "\n"
    (out_dir / "hubspot_export.json").write_bytes(text.encode("utf-8"))
    print(f"wrote {len(lead_rows)} + {len(salesnav_rows)} + {len(hubspot)} rows to {out_dir}")


if __name__ == "__main__":
    main()
