"""Every country a document's narrative names has at least one fact from that document."""

import functools
import re

import pytest
import yaml

from conftest import REPO, SEEDS

# Where each document's narrative is, in lines of its extracted text: tables and annexes
# name every nationality and are covered by the datasets instead.
NARRATIVE = {
    "ar-2017": ("001_7e58504a05598c70.txt", lambda lines: lines[: next(
        i for i, line in enumerate(lines) if line.startswith("Global events and IOM highlights"))]),
    "dg-108": ("004_33012d099953bfe8.txt", lambda lines: lines),
    "ar-2018": ("000_ad77728fd9785e18.txt", lambda lines: lines[105:875]),
    "mi-2019": ("002_2656cc557c4ce591.txt", lambda lines: lines[47:63] + lines[325:1726]),
    "ar-2020": ("003_12886108c95c75e7.txt", lambda lines: lines[129:885]),
}
# Other names the documents use, and names that must not match a longer one.
ALIASES = {
    "TUR": ["Turkey", "Türkiye"], "SWZ": ["Swaziland", "Eswatini"],
    "MKD": ["North Macedonia", "former Yugoslav Republic of Macedonia"], "SYR": ["Syrian Arab Republic", "Syria"],
    "IRN": ["Iran"], "VEN": ["Venezuela"], "BOL": ["Bolivia"], "LAO": ["Lao People"],
    "USA": ["United States"], "GBR": ["United Kingdom"], "KOR": ["Republic of Korea"],
    "MDA": ["Republic of Moldova"], "TZA": ["United Republic of Tanzania"], "CIV": ["Côte d", "Cote d"],
    "FSM": ["Micronesia"], "CZE": ["Czechia", "Czech Republic"], "VNM": ["Viet Nam"], "RUS": ["Russian Federation"],
}
PATTERNS = {
    "NER": r"\bNiger(?!ia)\b", "GIN": r"(?<!Papua New )(?<!Equatorial )\bGuinea\b(?!-Bissau)",
    "SDN": r"(?<!South )\bSudan\b", "COG": r"(?<!Democratic Republic of the )\bCongo\b", "DMA": r"\bDominica\b",
    "TCD": r"(?<!Lake )\bChad\b", "COD": r"Democratic Republic of the Congo",
}
# Countries a document names only as a venue, an office's seat, a partner's or donor's
# nationality: no fact is about them (CONTRIBUTING, "Which countries a fact lists"), so none
# lists them. Each entry was read in the source. An entry turns the check off for that country
# in that document: remove it when a fact from the document is about the country.
NAMED_ONLY_AS = {
    ("ar-2017", "CRI"): "the office reporting the Regional Conference on Migration's regional guidelines (para. 73)",
    ("ar-2017", "PAN"): "venue of the RIAM meeting (para. 75); seat of global NFI stocks (para. 239)",
    ("ar-2017", "MDG"): "the Country Office in Madagascar, one of three IOM offices whose own greenhouse gas "
                        "emissions were inventoried (para. 47)",
    ("ar-2017", "CHE"): "only within 'the European Economic Area and Switzerland', the host region of "
                        "most assisted voluntary returns (para. 207)",
    ("ar-2017", "QAT"): "the Qatar Red Crescent, IOM's partner in Iraq (para. 186)",
    ("ar-2017", "SWE"): "venue of a European Social Network seminar in Stockholm (para. 151)",
    ("dg-108", "PAN"): "the Panama Administrative Centre (paras 37, 69)",
    ("dg-108", "USA"): "USAID, a member of a global partnership (para. 67)",
    ("ar-2018", "PAN"): "a Panama-based partner (para. 115); seat of security officers and IT support (paras 319, 327)",
    ("ar-2018", "SVK"): "the Government of Slovakia, co-organizer of a regional side event (para. 140)",
    ("mi-2019", "ARG"): "venue of the Inter-American Course in Mar del Plata (photo caption)",
    ("mi-2019", "EGY"): "venue of a report launch in Cairo and of the 2020 statistics forum",
    ("mi-2019", "GBR"): "DFID, donor of the Reintegration Handbook",
    ("mi-2019", "JOR"): "seat of the regional health assessment hub in Amman (photo caption)",
    ("mi-2019", "JPN"): "the People of Japan, donor of a project in Chad",
    ("mi-2019", "MAR"): "venue of the Global Compact's adoption in Marrakesh",
    ("mi-2019", "URY"): "venue of a regional consultative process meeting in Montevideo (photo caption)",
    ("ar-2020", "HKG"): "seat of The Mekong Club, IOM's partner in China (para. 134)",
}


@functools.lru_cache(maxsize=None)
def _load(relative: str):
    """A content file, parsed once per run (libyaml when present): five documents share them."""
    return yaml.load((REPO / relative).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.mark.skipif(not SEEDS.exists(), reason="the source texts are not beside the repository")
@pytest.mark.parametrize("source", sorted(NARRATIVE))
def test_every_country_named_in_the_narrative_has_a_fact_from_that_document(source):
    filename, narrative = NARRATIVE[source]
    text = " ".join(" ".join(narrative((SEEDS / filename).read_text(encoding="utf-8").split("\n"))).split())
    countries = _load("content/countries.yml")["countries"]
    named_by_facts = {code for path in sorted((REPO / "content/facts").glob("*/*.yml"))
                      for fact in _load(path.relative_to(REPO).as_posix())["facts"]
                      if fact["source"]["document"] == source for code in fact["countries"]}
    missing = []
    for country in countries:
        code = country["code"]
        patterns = [PATTERNS[code]] if code in PATTERNS else [
            rf"\b{re.escape(name)}\b" for name in [country["name"], *ALIASES.get(code, [])]]
        if (source, code) in NAMED_ONLY_AS:
            continue
        if any(re.search(pattern, text) for pattern in patterns) and code not in named_by_facts:
            missing.append(f"{code} {country['name']}")
    assert missing == [], f"{source} names these countries but no fact from it does"
