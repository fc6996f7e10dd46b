"""A test double of ``essaim.indicators.selectors`` (the data contract), for a small world.

``use_selectors(monkeypatch, FakeSelectors(...))`` makes the analysis services read it instead of
the indicator tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    label: str
    unit: str
    kind: str
    source: str
    source_url: str
    vintage: str
    is_trade_specific: bool
    higher_means_more_need: bool
    caveat: str


def info(code, label, *, unit="", higher=True, trade=False, caveat=""):
    return IndicatorInfo(
        code=code,
        label=label,
        unit=unit,
        kind="rate" if unit == "%" else "additive",
        source="Source de test",
        source_url="https://exemple.fr/source",
        vintage="2022",
        is_trade_specific=trade,
        higher_means_more_need=higher,
        caveat=caveat,
    )


CATALOGUE = [
    info("neet_rate", "Part des NEET", unit="%"),
    info("youths_15_24", "Jeunes de 15 à 24 ans", unit="jeunes"),
    info(
        "bmo_projects_per_1000", "Projets BMO pour 1 000 habitants", trade=True, caveat="Table de passage provisoire."
    ),
    info("bmo_difficulty_rate", "Part des projets difficiles", unit="%", trade=True),
    info("cfa_count", "CFA", unit="organismes", higher=False),
]


@dataclass
class FakeSelectors:
    """``tables[level][territory code][indicator code]``; trade-specific values under ``trade_tables[slug]``."""

    tables: dict = field(default_factory=dict)
    trade_tables: dict = field(default_factory=dict)
    demand: dict = field(default_factory=dict)
    basin_projects: dict = field(default_factory=dict)  # trade slug → commune code → projects in its bassin
    catalogue: list = field(default_factory=lambda: list(CATALOGUE))
    calls: list = field(default_factory=list)

    def indicator_catalogue(self):
        return list(self.catalogue)

    def indicator_table(self, *, level, trade_slug=None, codes=None):
        self.calls.append(("indicator_table", level, trade_slug, tuple(codes or ())))
        base = self.tables.get(level, {})
        specific = self.trade_tables.get(trade_slug, {}).get(level, {})
        out = {}
        for code in set(base) | set(specific):
            if codes is None or code in codes:  # like the real selector, ``codes`` are territory codes
                out[code] = dict(base.get(code, {})) | dict(specific.get(code, {}))
        return out

    def commune_demand(self, *, measure="youths_15_24"):
        if measure not in dict(self.demand_measures()):
            raise ValueError(f"Mesure de la demande « {measure} » inconnue.")
        return dict(self.demand.get(measure, {}))

    def basin_recruitment_projects(self, *, trade_slug):
        return dict(self.basin_projects.get(trade_slug, {}))

    def demand_measures(self):
        return [("youths_15_24", "Jeunes de 15 à 24 ans"), ("neet_estimate", "Jeunes NEET (estimation)")]


def use_selectors(monkeypatch, fake):
    monkeypatch.setattr("essaim.analysis.services._selectors", lambda: fake)
    return fake
