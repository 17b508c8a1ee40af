"""Birth places as identity vigilance names them: an INSEE code of five characters.

Born in France: the code of the commune of birth in the Code officiel
géographique (COG), current or former (a commune déléguée or associée keeps
its code, so people born in a commune that has since merged still find it;
Corsica's codes begin 2A / 2B).  Born abroad: the INSEE code of the country,
``99`` and three digits; ``99999`` when the place is not known.

The commune list is generated from the npm package
``@etalab/decoupage-administratif`` (Etalab, the COG of its year) and shipped
with its source, version and date in its first line (``contracts/data/``).  To
make it again from a newer release::

    npm pack @etalab/decoupage-administratif@<version> && tar xzf etalab-*.tgz
    python -m contracts.birthplaces package/data/communes.json <version>

No maintained package ships INSEE's country codes, so a country code is checked
for its form only (the README says so).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "communes-cog.tsv.gz"
COMMUNE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
COUNTRY = re.compile(r"^99\d{3}$")
UNKNOWN = "99999"
FRANCE_AS_COUNTRY = "99100"  # born in France: the commune's code, not the country's
KINDS = {
    "commune-actuelle": "commune",
    "commune-deleguee": "commune déléguée",
    "commune-associee": "commune associée",
    "arrondissement-municipal": "arrondissement",
}


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    departement: str
    kind: str
    population: int
    key: str


def search_key(text: str) -> str:
    """Lowercase, accents and punctuation gone: ``Saint-Léger-la-Montagne`` ->
    ``saint leger la montagne``."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@cache
def _communes() -> tuple[Commune, ...]:
    """Every entry: a commune nouvelle and its commune déléguée may share a code."""
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        next(lines)  # the source line
        return tuple(
            Commune(code, name, departement, kind, int(population or 0), search_key(name))
            for code, name, departement, kind, population in (
                line.rstrip("\n").split("\t") for line in lines
            )
        )


@cache
def _by_code() -> dict[str, Commune]:
    """One entry per code: the current commune's where a former one shares it."""
    found: dict[str, Commune] = {}
    for item in _communes():
        if item.code not in found or item.kind == "commune":
            found[item.code] = item
    return found


def source() -> str:
    """Where the commune list comes from (its first line)."""
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        return next(lines).lstrip("# ").strip()


def commune(code: str) -> Commune | None:
    return _by_code().get(code)


def problem(code: str) -> str | None:
    """What is wrong with a birth-place code, or None when it can be kept."""
    if COUNTRY.match(code):
        if code == FRANCE_AS_COUNTRY:
            return "born in France: give the INSEE code of the commune of birth"
        return None
    if not COMMUNE.match(code):
        return "an INSEE code: 5 characters (a commune, or 99 and 3 digits for a country)"
    if commune(code) is None:
        return "no commune has this INSEE code in the Code officiel géographique"
    return None


def label(code: str | None) -> str:
    """``Guéret (23)``, ``né(e) à l'étranger (99134)``, or the code itself."""
    if not code:
        return ""
    if code == UNKNOWN:
        return "lieu de naissance inconnu"
    if COUNTRY.match(code):
        return f"né(e) à l'étranger ({code})"
    found = commune(code)
    return f"{found.name} ({found.departement})" if found else code


def search(text: str, limit: int = 20) -> list[Commune]:
    """Communes whose name begins with ``text`` (accents and case ignored), then those
    with a word that begins with it; current communes and bigger ones first."""
    wanted = search_key(text)
    if len(wanted) < 2:
        return []
    starts, inside = [], []
    for item in _communes():
        if item.key.startswith(wanted):
            starts.append(item)
        elif f" {wanted}" in f" {item.key}":
            inside.append(item)

    def order(item: Commune):
        return (item.kind != "commune", -item.population, item.key, item.code)

    return (sorted(starts, key=order) + sorted(inside, key=order))[:limit]


def build(communes_json: str, version: str, output: Path = DATA) -> int:
    """Write the shipped list from the package's ``data/communes.json``."""
    items = json.loads(Path(communes_json).read_text(encoding="utf-8"))
    rows = sorted(
        {
            (c["code"], c["nom"], c.get("departement", ""), KINDS[c["type"]], c.get("population"))
            for c in items
            if c["type"] in KINDS
        }
    )
    header = (
        f"# source: npm @etalab/decoupage-administratif@{version} data/communes.json "
        f"(Code officiel géographique; licence MIT), extracted {date.today().isoformat()}\n"
    )
    with gzip.open(output, "wt", encoding="utf-8") as out:
        out.write(header)
        for code, name, departement, kind, population in rows:
            out.write(f"{code}\t{name}\t{departement}\t{kind}\t{population or ''}\n")
    return len(rows)


if __name__ == "__main__":
    print(build(sys.argv[1], sys.argv[2]), "communes written to", DATA)
