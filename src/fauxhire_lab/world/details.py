"""The details one presented person gives: name, emails, phones, address, links, resume.

Both populations use these functions, so nothing but behaviour and infrastructure tells them
apart. Values that must not collide by accident (emails, phones, addresses, handles) are
derived from the identity's number, so two different people share one only when the world
means them to (an agency's phone, a family's address, an operator network's reuse).
"""

from __future__ import annotations

import ipaddress
import random
from functools import cache, lru_cache

import phonenumbers

from fauxhire_lab.world import phrases, pools
from fauxhire_lab.world.pools import Egress, Place


def draw_name(rng: random.Random, common_rate: float) -> tuple[str, str, str, bool]:
    """(pool, first, last, common): the same procedure for every identity of either population."""
    if rng.random() < common_rate:
        index = rng.randrange(len(pools.COMMON_NAMES))
        first, last = pools.COMMON_NAMES[index]
        return pools.COMMON_POOLS[index], first, last, True
    pool = rng.choices(list(pools.NAME_POOLS), pools.POOL_WEIGHTS)[0]
    firsts, lasts = pools.NAME_POOLS[pool]
    return pool, rng.choice(firsts), rng.choice(lasts), False


def draw_first(rng: random.Random, pool: str) -> str:
    """A first name of ``pool``: a family member who shares a surname shares its pool."""
    return rng.choice(pools.NAME_POOLS[pool][0])


def ascii_handle(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == "-")


def email_for(first: str, last: str, number: int, style: int, provider: str) -> str:
    f, last_ = ascii_handle(first).replace("-", ""), ascii_handle(last).replace("-", "")
    local = (
        f"{f}.{last_}{number}",
        f"{f[0]}{last_}{number}",
        f"{f}{last_}.{number}",
        f"{last_}.{f}{number}",
    )[style % 4]
    return f"{local}@{provider}"


@cache
def _example_national(country: str) -> str:
    example = phonenumbers.example_number_for_type(
        country, phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number(country)
    assert example is not None, country
    return str(example.national_number)


def phone_for(place: Place, number: int) -> str:
    """A possible mobile number (E.164) for the place, unique to ``number``."""
    if place.country == "US":
        exchange = 200 + (number // 10_000) % 800
        return f"+1{place.area}{exchange}{number % 10_000:04d}"
    national = _example_national(place.country)
    tail = f"{number % 10**6:06d}"
    code = phonenumbers.country_code_for_region(place.country)
    return f"+{code}{national[: len(national) - 6]}{tail}"


def written_phone(e164: str, style: int) -> str:
    """One of the ways people write a number (all read back to the same E.164)."""
    if style % 3 == 1:
        return e164
    if e164.startswith("+1") and len(e164) == 12:  # the common case, without parsing
        area, exchange, line = e164[2:5], e164[5:8], e164[8:]
        return (
            f"+1 {area}-{exchange}-{line}" if style % 3 == 0 else f"+1 ({area}) {exchange} {line}"
        )
    text = _international(e164)
    return text if style % 3 == 0 else text.replace(" ", "-", 2)


@lru_cache(maxsize=1 << 16)  # one person's few applications, not the whole world
def _international(e164: str) -> str:
    return phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def address_for(place: Place, number: int, unit: int | None = None) -> str:
    """A street address unique to ``number`` within the place."""
    street = pools.STREETS[number % len(pools.STREETS)]
    kind = pools.STREET_TYPES[(number // len(pools.STREETS)) % len(pools.STREET_TYPES)]
    house = 1 + (number // (len(pools.STREETS) * len(pools.STREET_TYPES))) % 20_000
    line = f"{house} {street} {kind}" + (f", Apt {unit}" if unit else "")
    if place.country == "US":
        return f"{line}, {place.city}, {place.region} {place.postcode}, US"
    return f"{line}, {place.city} {place.postcode}, {place.country}"


def claimed_location(place: Place) -> str:
    if place.region:
        return f"{place.city}, {place.region}, {place.country}"
    return f"{place.city}, {place.country}"


def host_in(egress: Egress, number: int) -> str:
    """A host address of the block, chosen by ``number``."""
    net = ipaddress.ip_network(egress.network)
    return str(net.network_address + 1 + number % (net.num_addresses - 2))


def _handle(first: str, last: str, number: int) -> str:
    return f"{ascii_handle(first)}-{ascii_handle(last)}-{number}"


def linkedin_for(first: str, last: str, number: int) -> str:
    return f"https://www.linkedin.com/in/{_handle(first, last, number)}"


def profile_urls(first: str, last: str, number: int, rng: random.Random, tech: bool) -> list[str]:
    urls = []
    if rng.random() < 0.7:
        urls.append(linkedin_for(first, last, number))
    if tech and rng.random() < 0.6:
        urls.append(f"https://github.com/{_handle(first, last, number)}")
    return urls


# Popular resume templates: whole skeletons many people fill in (a hard case).
TEMPLATES = (
    "PROFESSIONAL SUMMARY\nResults-driven {title} with {years}+ years of experience delivering "
    "scalable solutions. Proven track record of {skill} excellence.\nCORE COMPETENCIES\n{skills}\n",
    "SUMMARY\nDetail-oriented {title} passionate about {skill}. {years} years building products "
    "users love.\nKEY SKILLS\n{skills}\nACHIEVEMENTS\nDelivered projects on time and on budget.\n",
)


def resume_for(
    rng: random.Random,
    name: str,
    title: str,
    employment: list[dict[str, object]],
    education: list[dict[str, object]],
    template: str | None = None,
) -> str:
    skills = rng.sample(pools.SKILLS, 5)
    years = rng.randint(2, 15)
    if template is not None:
        head = template.format(title=title, years=years, skill=skills[0], skills=", ".join(skills))
    else:
        head = (
            f"{title} with {years} years of experience. Skills: {', '.join(skills)}. "
            f"Built {skills[1]} services handling {rng.randint(2, 90)} million requests a day; "
            f"cut costs by {rng.randint(10, 60)}%.\n"
        )
    stock = "".join(f"{line}\n" for line in phrases.stock_lines(rng))
    jobs = "".join(
        f"{job['employer']}, {job['title']}, {job['start']}-{job['end'] or 'present'}\n"
        for job in employment
    )
    schools = "".join(f"{ed['school']}, {ed['degree']}, {ed['end']}\n" for ed in education)
    return f"{name}\n{head}EXPERIENCE\n{jobs}{stock}EDUCATION\n{schools}"


def history(
    rng: random.Random, title: str
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(employment, education) for a resume and the ATS fields."""
    end = rng.randint(2019, 2024)
    employment: list[dict[str, object]] = []
    for i in range(rng.randint(1, 3)):
        start = end - rng.randint(1, 5)
        employment.append(
            {
                "employer": rng.choice(pools.EMPLOYERS),
                "title": title,
                "start": start,
                "end": None if i == 0 else end,
            }
        )
        end = start
    school = f"{rng.choice(pools.STREETS)} {rng.choice(pools.SCHOOLS)}"
    education: list[dict[str, object]] = [
        {"school": school, "degree": rng.choice(pools.DEGREES), "end": end - rng.randint(0, 2)}
    ]
    return employment, education


def drift_resume(rng: random.Random, resume: str) -> str:
    """One person's resume, sent again: nearly the same text."""
    roll = rng.random()
    if roll < 0.3:
        return resume + f"Certified {rng.choice(pools.SKILLS)} practitioner.\n"
    if roll < 0.45:
        return resume.replace(" years of experience", "+ years of experience", 1)
    return resume


def typo(rng: random.Random, word: str) -> str:
    """A one-letter slip: a swap of neighbours or a doubled letter. Two draws whatever the
    word, so that the stream after it does not depend on the name (a borrowed one, say)."""
    where, swap = rng.random(), rng.random() < 0.5
    if len(word) < 4:
        return word
    i = 1 + int(where * (len(word) - 3))
    if swap:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[: i + 1] + word[i] + word[i + 1 :]
