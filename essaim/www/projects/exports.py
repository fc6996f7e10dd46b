"""The column spec of the project pipeline export (written by ``essaim.common.exports``)."""

from __future__ import annotations

from essaim.common.exports import Column


def _trades(project) -> str:
    return ", ".join(line.trade.name for line in project.trade_lines.all())


def _late_reasons(project) -> str:
    return " ".join(project.late_reasons(entered_on=project.stage_entered_on))


def _applications(project) -> list:
    """The dossiers of the project the user sees (prefetched as ``visible_applications`` by the export)."""
    return getattr(project, "visible_applications", [])


def _dossiers(project) -> str:
    return " ; ".join(
        f"{a.reference} — {a.funder.name}{' — ' + a.programme.name if a.programme else ''} : "
        f"{a.get_state_display().lower()}"
        for a in _applications(project)
    )


def _total(name):
    def total(project):
        values = [getattr(a, name) for a in _applications(project) if getattr(a, name) is not None]
        return sum(values) if values else None

    return total


# The pipeline list, column by column (same rows and order as the page, all pages).
PROJECT_COLUMNS = [
    Column("Projet", lambda p: p.name, width=40),
    Column("Porteur", lambda p: p.holder.name, width=30),
    Column("Commune", lambda p: p.commune.name, width=22),
    Column("Code commune (INSEE)", lambda p: p.commune.code, width=12),
    Column("EPCI", lambda p: p.commune.epci.name, width=30),
    Column("Département", lambda p: p.commune.department.name, width=16),
    Column("Métiers", _trades, width=30),
    Column("Places", lambda p: p.places, kind="number", width=8),
    Column("Étape", lambda p: p.get_stage_display(), width=24),
    Column("Dans l'étape depuis le", lambda p: p.stage_entered_on, kind="date", width=14),
    Column("En retard", lambda p: p.is_late, kind="bool", width=10),
    Column("Motif du retard", _late_reasons, width=50),
    Column("Ouverture visée", lambda p: p.target_opening_date, kind="date", width=14),
    Column("Projet fictif (démonstration)", lambda p: p.is_demo, kind="bool", width=12),
    # The money of the dossiers the user sees (funder, programme, state; asked, granted, paid).
    Column("Dossiers de financement (financeur, dispositif : état)", _dossiers, width=60),
    Column("Montant demandé (€)", _total("requested_amount"), kind="number", decimals=2, width=16),
    Column("Montant accordé (€)", _total("decided_amount"), kind="number", decimals=2, width=16),
    Column("Montant versé (€)", _total("disbursed_amount"), kind="number", decimals=2, width=16),
]


def _distance(distances):
    def value(firm):
        km = distances.get(firm.commune_id)
        return round(km, 1) if km is not None else None

    return value


def prospection_columns(distances):
    """The prospection list (same filters and order as the page, all pages)."""
    return [
        Column("Entreprise", lambda o: o.name, width=40),
        Column("SIRET", lambda o: o.siret, width=16),
        Column("Code APE", lambda o: o.activity_code, width=10),
        Column("Tranche d'effectifs", lambda o: o.get_headcount_band_display(), width=20),
        Column("Commune", lambda o: o.commune.name if o.commune_id else "", width=22),
        Column("Code commune (INSEE)", lambda o: o.commune.code if o.commune_id else "", width=12),
        Column("Distance (km)", _distance(distances), kind="number", decimals=1, width=10),
    ]
