"""Deterministic synthetic content with the real content's shape, at any number of facts.

The reference files (sources, pillars with the 2020 crosswalk, glossary, countries and the two
tabular datasets) are copied from the real repository; metrics.yml (50 metrics) and the fact
files content/facts/<year>/<pillar>.yml are generated. The distributions follow the real
content (measured on the 2,497 facts of the repository when this was written):

- statement length: mean ~150 characters, 30..280;
- figures per fact: 53% none, 28% one, 12% two, 4% three, 3% four to seven;
- countries per fact: 75% none, mean ~0.5, up to 10, skewed towards a few countries;
- 2.3 tags per fact, 4% with a note, 2% with differs_from, 31% cite a section instead of a
  paragraph; ~10% of figures carry a metric;
- pillars weighted like the real files; every (year, pillar) file has at least one fact.

Quotes are not real (check runs without --sources), but each contains every figure's digits
as the reports print them ("376,800", "1.8"), so the figure-in-quote rule is exercised. Facts
in the ar2020-* pillars cite ar-2020 at a paragraph or box that the crosswalk covers.

Only the standard library and PyYAML (to read the crosswalk) are used; the same arguments
always produce byte-identical files.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

YEARS = list(range(1991, 2021))  # 30 years
# Facts per pillar in the real content; the synthetic files keep these proportions.
PILLAR_WEIGHTS = {
    "overview": 121, "p1-standards": 202, "p2-evidence": 189, "p3-partnerships": 266,
    "o1-socioeconomic": 261, "o2-crises": 290, "o3-safe-migration": 179, "oe": 416,
    "ar2020-introduction": 47, "ar2020-resilience": 153, "ar2020-mobility": 112,
    "ar2020-governance": 108, "ar2020-institutional": 153,
}
NON_2020_DOCUMENTS = ["ar-2017", "dg-108", "ar-2018", "mi-2019", "ar-2020"]
SECTIONS = ["Foreword", "Annex III", "Table 1", "Executive summary", "Introduction",
            "Annex I", "Key highlights", "Organizational effectiveness"]
UNITS = ["per cent", "offices", "staff", "countries", "people", "migrants", "USD", "States",
         "nationalities", "projects", "emergencies", "agreements", "evaluations", "officers",
         "returns", "assessments", "households", "beneficiaries", "sites", "trainings"]
UNIT_WEIGHTS = [334, 294, 197, 193, 142, 71, 57, 42, 37, 28, 14, 13, 11, 11, 20, 20, 15, 25, 12, 12]
QUALIFIERS = [None] * 86 + ["over"] * 10 + ["about"] * 2 + ["nearly"] + ["up to"]
TAGS = ["health", "covid-19", "visas", "resettlement", "dtm", "cccm", "counter-trafficking",
        "labour-migration", "remittances", "climate", "reintegration", "avr", "border-management",
        "identity", "data", "research", "mgi", "gender", "psea", "accountability", "rcp", "gfmd",
        "idm", "un-cooperation", "diaspora", "private-sector", "staff", "finance", "evaluation",
        "risk", "offices", "membership", "global-compact", "sdg", "shelter", "wash",
        "protection", "recovery", "land", "emergencies"]
VERBS = ["assisted", "supported", "registered", "trained", "reached", "resettled", "screened",
         "tracked", "surveyed", "provided services to", "helped", "referred", "counselled"]
NOUNS = ["displaced persons", "returning migrants", "government officials", "border officers",
         "host community members", "refugees", "victims of trafficking", "health workers",
         "local authorities", "partners", "camp residents", "migrant workers", "students"]
PHRASES = ["through its country offices", "with partners from the United Nations system",
           "in close coordination with national authorities", "under its regional programmes",
           "as part of the humanitarian response", "with funding from several donors",
           "across the region", "in camps and camp-like settings", "along the main migration routes",
           "through mobile teams and static clinics", "despite access constraints",
           "in line with the Migration Governance Framework", "during the reporting period",
           "in urban and rural areas", "at points of entry", "(including remote areas)"]
FILLER = ["the", "Organization", "continued", "to", "work", "with", "Member", "States", "and",
          "partners", "on", "migration", "governance", "its", "programmes", "in", "support", "of",
          "communities", "affected", "by", "displacement", "crisis", "response", "recovery",
          "capacity", "building", "data", "protection", "health", "border", "management", "labour",
          "mobility", "return", "reintegration", "assistance", "offices", "reported", "activities"]
GLOSSARY_FREE_NOTE = ("The two reports count at different dates in the year; the later figure "
                      "includes offices opened after the Council session.")


@dataclass
class Generated:
    facts: int
    files: int
    countries_used: int
    years: list[int]
    pillars: list[str]
    edit_file: Path | None = None  # a fact file holding the fact the edit probe changes
    edit_id: str | None = None
    edit_statement: str | None = None
    fact_files: list[Path] = field(default_factory=list)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _number_text(value: int | float) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _metrics(rng: random.Random, count: int = 50) -> list[dict]:
    metrics = []
    for index in range(count):
        unit = rng.choices(UNITS, UNIT_WEIGHTS)[0]
        noun = NOUNS[index % len(NOUNS)]
        metrics.append({
            "id": f"m{index:02d}-{_slug(noun)}-{_slug(unit)}",
            "headline": index < 6,
            "label": f"{noun.capitalize()} ({unit}), series {index + 1}",
            "unit": unit,
            "definition": f"Number of {noun} counted in {unit} as reported for the year, series {index + 1}.",
            "caveats": "Reports count at different dates in the year." if index % 3 == 0 else None,
        })
    return metrics


def _write_metrics(path: Path, metrics: list[dict]) -> None:
    lines = ["# Generated by bench/synth.py: 50 synthetic comparable measures.", "metrics:"]
    for m in metrics:
        lines.append(f"  - id: {m['id']}")
        if m["headline"]:
            lines.append("    headline: true")
        lines += [f"    label: {_q(m['label'])}", f"    unit: {_q(m['unit'])}",
                  f"    definition: {_q(m['definition'])}"]
        if m["caveats"]:
            lines.append(f"    caveats: {_q(m['caveats'])}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _crosswalk_places(pillars_file: Path) -> dict[str, list[tuple[str, object]]]:
    """For each ar2020 part, every (kind, value) place the crosswalk covers."""
    data = yaml.load(pillars_file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    places: dict[str, list] = {}
    for entry in data.get("crosswalk", []):
        bucket = places.setdefault(entry["part"], [])
        if entry.get("paragraphs"):
            first, last = entry["paragraphs"]
            bucket += [("paragraph", p) for p in range(first, last + 1)]
        bucket += [("section", s) for s in entry.get("sections", [])]
    return places


def _allocate(total: int, keys: list, weights: list[float], minimum: int = 1) -> dict:
    """`total` split over `keys` in proportion to `weights`, each getting at least `minimum`."""
    if total < minimum * len(keys):
        raise ValueError(f"need at least {minimum * len(keys)} facts for {len(keys)} files")
    rest = total - minimum * len(keys)
    scale = sum(weights)
    shares = [rest * w / scale for w in weights]
    counts = [minimum + int(s) for s in shares]
    leftovers = sorted(range(len(keys)), key=lambda i: -(shares[i] - int(shares[i])))
    for i in leftovers[: total - sum(counts)]:
        counts[i] += 1
    return dict(zip(keys, counts))


def _figure(rng: random.Random, metrics: list[dict]) -> dict:
    figure: dict = {}
    if rng.random() < 0.10:
        metric = rng.choice(metrics)
        figure["metric"] = metric["id"]
        unit = metric["unit"]
    else:
        unit = rng.choices(UNITS, UNIT_WEIGHTS)[0]
    if unit == "per cent":
        value: int | float = rng.randint(1, 99) if rng.random() < 0.8 else round(rng.uniform(1, 99), 1)
    elif unit == "USD" and rng.random() < 0.6:
        value = round(rng.uniform(1, 900), 1)
        figure["scale"] = rng.choice(["million", "million", "billion"])
    else:
        magnitude = rng.choice([10, 100, 1_000, 10_000, 100_000, 1_000_000])
        value = rng.randint(2, magnitude * 9)
    figure = {"value": value, "unit": unit, **figure}
    qualifier = rng.choice(QUALIFIERS)
    if qualifier:
        figure["qualifier"] = qualifier
    if rng.random() < 0.4:
        figure["label"] = rng.choice(NOUNS)
    return figure


def _printed(figure: dict) -> str:
    text = _number_text(figure["value"])
    if figure.get("scale"):
        text += f" {figure['scale']}"
    if figure["unit"] == "USD":
        text = f"USD {text}"
    elif figure["unit"] == "per cent":
        text += " per cent"
    else:
        text += f" {figure['unit']}"
    return f"{figure['qualifier']} {text}" if figure.get("qualifier") else text


def _statement(rng: random.Random, year: int, figures: list[dict], names: list[str]) -> str:
    target = max(30, min(270, int(rng.gauss(150, 45))))
    parts = [f"In {year}, IOM {rng.choice(VERBS)}"]
    if figures:
        parts.append(" and ".join(_printed(f) for f in figures[:3]))
    parts.append(rng.choice(NOUNS))
    if names:
        parts.append("in " + ", ".join(names[:3]))
    text = " ".join(parts)
    while len(text) < target - 20:
        text += " " + rng.choice(PHRASES)
    return (text[:275].rstrip(" ,(") + ".").replace("(.", ".")


def _quote(rng: random.Random, year: int, figures: list[dict]) -> str:
    # Worded unlike the statement ("During", "plus"): check refuses a statement that repeats a
    # long run of its quote (an unrewritten proposal). Same random draws as before.
    words = f"During {year}, IOM {rng.choice(VERBS)}".split()
    for figure in figures:  # every figure's digits, as printed; its unit when there is room
        words += (_printed(figure) if len(figures) <= 3 else _number_text(figure["value"])).split()
        words.append(rng.choice(["plus", "with", "for", "in"]))
    budget = rng.randint(12, 28)
    while len(words) < budget:
        words.append(rng.choice(FILLER))
    assert len(words) <= 30, words
    return " ".join(words)


def generate_content(root: Path, repo: Path, facts: int, seed: int = 20240601,
                     countries_limit: int | None = None, datasets: bool = True) -> Generated:
    """Write content/ under `root` with `facts` facts. Deterministic for given arguments."""
    rng = random.Random(f"{seed}-{facts}-{countries_limit}")
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    (content / "facts").mkdir(parents=True)
    for name in ("sources.yml", "pillars.yml", "glossary.yml"):
        shutil.copyfile(repo / "content" / name, content / name)
    countries_text = (repo / "content" / "countries.yml").read_text(encoding="utf-8")
    if countries_limit is not None:
        countries_text = _first_countries(countries_text, countries_limit)
    (content / "countries.yml").write_text(countries_text, encoding="utf-8")
    if datasets and (repo / "content" / "datasets").exists():
        shutil.copytree(repo / "content" / "datasets", content / "datasets")
    codes = [c["code"] for c in yaml.load(countries_text, Loader=yaml.CSafeLoader)["countries"]]
    country_names = {c["code"]: c["name"] for c in yaml.load(countries_text, Loader=yaml.CSafeLoader)["countries"]}
    # A skewed popularity (some countries are named far more often), in a seeded order.
    order = codes[:]
    rng.shuffle(order)
    country_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(order))]

    metrics = _metrics(random.Random(seed))
    _write_metrics(content / "metrics.yml", metrics)
    places = _crosswalk_places(content / "pillars.yml")
    pillars = list(PILLAR_WEIGHTS)

    keys = [(year, pillar) for year in YEARS for pillar in pillars]
    counts = _allocate(facts, keys, [PILLAR_WEIGHTS[p] for _, p in keys])
    generated = Generated(facts=facts, files=len(keys), countries_used=0, years=YEARS, pillars=pillars)
    used_countries: set[str] = set()
    all_ids: list[str] = []
    serial = 0
    for (year, pillar), count in counts.items():
        lines = ["# Generated by bench/synth.py: synthetic facts with the real files' shape.",
                 f"year: {year}", f"pillar: {pillar}", "facts:"]
        for _ in range(count):
            serial += 1
            if pillar.startswith("ar2020-"):
                document = "ar-2020"
                kind_place, place = rng.choice(places[pillar])
            else:
                document = rng.choice(NON_2020_DOCUMENTS)
                if rng.random() < 0.31:
                    kind_place, place = "section", rng.choice(SECTIONS)
                else:
                    kind_place, place = "paragraph", rng.randint(1, 400)
            n_figures = rng.choices([0, 1, 2, 3, 4, 5, 7], [53, 28, 12, 4, 1.4, 1, 0.6])[0]
            figures = [_figure(rng, metrics) for _ in range(n_figures)]
            n_countries = 0 if rng.random() < 0.75 else min(10, 1 + int(rng.expovariate(0.6)))
            named = sorted(set(rng.choices(order, country_weights, k=n_countries)))
            used_countries.update(named)
            place_slug = str(place) if kind_place == "paragraph" else _slug(str(place))
            fact_id = f"{document}-{place_slug}-{_slug(rng.choice(NOUNS))}-{serial:06d}"
            statement = _statement(rng, year, figures, [country_names[c] for c in named])
            quote = _quote(rng, year, figures)
            kind = rng.choices(["result", "context", "plan"], [1960, 307, 230])[0]
            tags = sorted(set(rng.sample(TAGS, rng.choice([0, 1, 2, 2, 3, 3, 4, 4]))))
            lines += [f"  - id: {fact_id}", f"    kind: {kind}", f"    statement: {_q(statement)}",
                      f"    countries: [{', '.join(named)}]"]
            if figures:
                lines.append("    figures:")
                for figure in figures:
                    lines.append(f"      - value: {figure['value']}")
                    lines.append(f"        unit: {_q(figure['unit'])}")
                    for key in ("scale", "qualifier", "metric", "label"):
                        if key in figure:
                            lines.append(f"        {key}: {_q(figure[key])}")
            else:
                lines.append("    figures: []")
            lines += ["    source:", f"      document: {document}"]
            lines.append(f"      paragraph: {place}" if kind_place == "paragraph" else f"      section: {_q(place)}")
            lines.append(f"    quote: {_q(quote)}")
            if tags:
                lines.append(f"    tags: [{', '.join(tags)}]")
            if all_ids and rng.random() < 0.02:
                lines.append(f"    differs_from: [{rng.choice(all_ids[-500:])}]")
            if rng.random() < 0.04:
                lines.append(f"    note: {_q(GLOSSARY_FREE_NOTE)}")
            all_ids.append(fact_id)
            if generated.edit_id is None and named and year == YEARS[len(YEARS) // 2]:
                generated.edit_id, generated.edit_statement = fact_id, statement
                generated.edit_file = content / "facts" / str(year) / f"{pillar}.yml"
        folder = content / "facts" / str(year)
        folder.mkdir(exist_ok=True)
        path = folder / f"{pillar}.yml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        generated.fact_files.append(path)
    generated.countries_used = len(used_countries)
    return generated


def _first_countries(countries_text: str, limit: int) -> str:
    """countries.yml keeping its regions and only the first `limit` countries."""
    data = yaml.load(countries_text, Loader=yaml.CSafeLoader)
    kept = data["countries"][:limit]
    lines = ["regions:"]
    for region in data["regions"]:
        lines += [f"  - id: {region['id']}", f"    name: {_q(region['name'])}"]
    lines.append("countries:")
    for country in kept:
        lines += [f"  - code: {country['code']}", f"    name: {_q(country['name'])}",
                  f"    region: {country['region']}", f"    region_basis: {country['region_basis']}"]
        if country.get("footnote"):
            lines.append(f"    footnote: {_q(country['footnote'])}")
    return "\n".join(lines) + "\n"


def write_mkdocs_config(root: Path, repo: Path, years: list[int], pillars_file: Path,
                        sources_file: Path, datasets: bool) -> None:
    """The repository's mkdocs.yml with `nav` rewritten for the generated years and pillars."""
    config = yaml.load((repo / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    pillars = yaml.load(pillars_file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["pillars"]
    sources = yaml.load(sources_file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["sources"]
    compare: list = ["compare/index.md"]
    if datasets:
        compare += [{"Staff by nationality": "compare/staff.md"},
                    {"Funding requirements 2019": "compare/funding.md"}]
    if (root / "templates" / "differences.md.j2").exists():  # code that has the page (2% of facts differ)
        compare.append({"Where the sources differ": "compare/differences.md"})
    config["nav"] = [
        {"Home": "index.md"},
        {"Years": ["years/index.md"] + [{str(y): f"years/{y}.md"} for y in years]},
        {"Pillars": ["pillars/index.md"] + [{p["short"] if p["id"].startswith("ar2020") else p["title"].split(":")[0]:
                                               f"pillars/{p['id']}.md"} for p in pillars]},
        {"Countries": "countries/index.md"},
        {"Compare": compare},
        {"Sources": ["sources/index.md"] + [{s["title"]: f"sources/{s['id']}.md"} for s in sources]},
        {"Glossary": "glossary.md"},
        {"Downloads": "downloads.md"},
    ]
    # Sections of the repository's nav that do not depend on years, pillars or sources (e.g.
    # Measures) are kept as they are, in their place.
    ours = {next(iter(entry)) for entry in config["nav"]}
    for position, entry in enumerate(yaml.load((repo / "mkdocs.yml").read_text(encoding="utf-8"),
                                               Loader=yaml.CSafeLoader)["nav"]):
        if isinstance(entry, dict) and next(iter(entry)) not in ours:
            config["nav"].insert(min(position, len(config["nav"])), entry)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
