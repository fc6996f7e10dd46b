"""Find communes and EPCI by name or official code, ignoring case, accents and punctuation.

"peronne" finds Péronne, "st quentin" finds Saint-Quentin, "0201" finds the communes whose INSEE
code starts with 0201 and "2000" the EPCI whose SIREN starts with 2000.

Names are matched in Python over a light ``values_list`` (code, name, population): one query per
kind, identical behaviour on SQLite and PostgreSQL (whose ``icontains`` are not accent-insensitive
nor, on SQLite, case-insensitive beyond ASCII). That is a few milliseconds for the 3 782 communes
of the région; at national scale a normalised, indexed column would be the next step.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from essaim.territories.models import Commune, Epci

MIN_QUERY_LENGTH = 2
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


@dataclass(frozen=True)
class SearchResult:
    code: str
    name: str
    population: int
    detail: str = ""  # e.g. the département code of a commune, the nature of an EPCI


@dataclass(frozen=True)
class SearchResults:
    query: str
    communes: list[SearchResult]
    epcis: list[SearchResult]

    @property
    def is_empty(self) -> bool:
        return not self.communes and not self.epcis


def normalize(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, "st"/"ste" spelled out: "Saint-Léger-lès-Domart"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.split(r"[^0-9a-z]+", ascii_text.replace("œ", "oe").replace("æ", "ae"))
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words if word)


def _rank(query: str, name: str) -> int | None:
    """0 exact name, 1 name starts with the query, 2 a word starts with it, 3 every word found; None."""
    if name == query:
        return 0
    if name.startswith(query):
        return 1
    if f" {query}" in f" {name}":
        return 2
    if all(word in name for word in query.split()):
        return 3
    return None


def _matches(rows, query: str, limit: int) -> list[SearchResult]:
    """``rows`` are (code, name, population, detail); code prefix matches rank first."""
    normalized = normalize(query)
    compact = query.replace(" ", "")
    ranked = []
    for code, name, population, detail in rows:
        rank = -1 if compact.isalnum() and code.startswith(compact.upper()) else None
        if rank is None and normalized:
            rank = _rank(normalized, normalize(name))
        if rank is not None:
            ranked.append((rank, -population, name, SearchResult(code, name, population, detail)))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked[:limit]]


def territories_search(*, user, query: str, limit: int = 20) -> SearchResults:
    """Communes and EPCI visible to ``user`` matching ``query`` (by name or code), best first."""
    query = " ".join(query.split())[:100]
    if len(query) < MIN_QUERY_LENGTH:
        return SearchResults(query=query, communes=[], epcis=[])
    communes = Commune.objects.visible_to(user).values_list("code", "name", "population", "department__code")
    epcis = Epci.objects.visible_to(user).values_list("siren", "name", "population", "nature")
    return SearchResults(query=query, communes=_matches(communes, query, limit), epcis=_matches(epcis, query, limit))
