"""French names of the fields of a plan, for error messages users can read.

The engine locates each input error by a path (``sources[4].loan.annual_rate``)
that programs use to put the error on the right form field or workbook cell.
People never see that path: :func:`describe_field` turns it into French words,
with the line's number and label when the plan is at hand.

Examples
--------
>>> describe_field("sources[4].loan.annual_rate")
'ressource 5, prêt : taux annuel'
>>> describe_field("operating.years[1].rent")
'fonctionnement, année 2 : loyer'
>>> describe_field("uses[0].amount", {"uses": [{"label": "Tour numérique"}]})
'emploi 1 « Tour numérique » : montant'
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["FIELD_LABELS", "describe_field"]

FIELD_LABELS = {
    # plan
    "name": "nom du plan",
    "start_date": "date de début du plan",
    "horizon_years": "horizon du plan",
    "opening_month": "mois d'arrivée des premiers jeunes",
    "opening_cash": "trésorerie au début du plan",
    "cash_floor": "plancher de trésorerie",
    "uses": "emplois de l'investissement",
    "sources": "ressources de l'investissement",
    "operating": "budget de fonctionnement",
    # lines
    "category": "catégorie",
    "label": "libellé",
    "workshop": "atelier",
    "amount": "montant",
    "month": "mois de paiement",
    "depreciation_years": "durée d'amortissement",
    "recoverable_vat": "TVA récupérable",
    "eu_eligible": "cofinancement FEDER",
    "kind": "nature",
    "status": "état du financement",
    "payment": "conditions de versement",
    "loan": "conditions du prêt",
    "eu": "remboursement FEDER",
    # payment terms
    "advance_share": "part versée à la signature",
    "signature_offset_months": "décalage de la signature",
    "instalment_count": "nombre d'acomptes",
    "instalments_share": "part versée en acomptes",
    "balance_delay_months": "délai du solde",
    # EU reimbursement
    "co_financing_rate": "taux de cofinancement",
    "claim_threshold": "seuil de la première demande de paiement",
    "claim_interval_months": "intervalle entre demandes de paiement",
    "payment_delay_months": "délai de paiement",
    # loan terms
    "duration_months": "durée",
    "deferral_months": "différé",
    "annual_rate": "taux annuel",
    "periodicity": "périodicité",
    "amortisation": "profil d'amortissement",
    "deferral_kind": "type de différé",
    "drawdown_month": "mois de déblocage",
    # operating years
    "years": "années scolaires",
    "youths": "jeunes accueillis",
    "production_hours_per_youth": "heures de production par jeune",
    "productivity_ratio": "taux de productivité",
    "hourly_price": "prix de vente horaire",
    "sales_amount": "ventes saisies directement",
    "state_subsidy_per_youth": "subvention de l'État par jeune",
    "region_grant": "subvention de fonctionnement de la Région",
    "department_grant": "subvention de fonctionnement du département",
    "epci_grant": "subvention de l'EPCI ou de la commune",
    "apprenticeship_tax": "taxe d'apprentissage",
    "foundations": "fondations et mécènes",
    "master_trainers": "maîtres professionnels (ETP)",
    "master_trainer_cost": "coût annuel d'un maître professionnel",
    "teaching_staff": "personnel enseignant",
    "support_staff": "personnel d'accompagnement et de direction",
    "materials_share": "part des matières dans les ventes",
    "rent": "loyer",
    "energy": "énergie",
    "insurance": "assurances",
    "other_expenses": "autres charges",
    # timings
    "timings": "calendriers de versement",
    "sales_collection_delay_months": "délai d'encaissement des ventes",
    "state_subsidy": "subvention de l'État",
    "apprenticeship_tax_calendar_month": "mois de versement de la taxe d'apprentissage",
    # EU operating grants
    "eu_grants": "fonds européens de fonctionnement",
    "fund": "fonds",
    "first_year": "première année cofinancée",
    "last_year": "dernière année cofinancée",
    "eligible_expenses": "dépenses cofinancées",
    "reimbursement": "remboursement",
    # working-capital loan, risk analysis, loan_schedule()
    "working_capital_loan": "prêt de BFR (dimensionnement)",
    "terms": "conditions du prêt",
    "scenarios": "nombre de scénarios",
    "distributions": "hypothèses de l'analyse de risque",
    "sales_realisation": "réalisation des ventes",
    "headcount_realisation": "réalisation des effectifs",
    "payment_delays": "retards de paiement",
    "high": "borne haute",
    "mode": "mode",
    "std": "écart-type",
}
# The same word means something else under a parent: (parent, field) → French.
_IN_CONTEXT = {
    ("eu", "advance_share"): "avance",
    ("reimbursement", "advance_share"): "avance",
    ("loan", "amount"): "montant",
    ("loan", None): "prêt",
    ("eu", None): "remboursement FEDER",
    ("payment", None): "versement",
    ("reimbursement", None): "remboursement",
    ("terms", None): "prêt",
}
_LINES = {"uses": "emploi", "sources": "ressource", "eu_grants": "fonds européen de fonctionnement"}
_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$")


def _child(data: Any, name: str) -> Any:
    if isinstance(data, Mapping):
        return data.get(name)
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return getattr(data, name, None)
    return None


def _item(data: Any, index: int) -> Any:
    if isinstance(data, Sequence) and not isinstance(data, str | bytes) and 0 <= index < len(data):
        return data[index]
    return None


def _line_label(line: Any) -> str:
    label = _child(line, "label")
    if isinstance(label, str) and label.strip():
        text = " ".join(label.split())
        return f" « {text[:60]}{'…' if len(text) > 60 else ''} »"
    return ""


def describe_field(path: str, plan: Any = None) -> str:
    """French words for the field at ``path``; ``plan`` (a plan, its dict or None) adds line labels.

    Examples
    --------
    >>> describe_field("operating.timings.region_grant.balance_delay_months")
    'calendrier de versement, subvention de fonctionnement de la Région : délai du solde'
    >>> describe_field("operating.eu_grants[0].reimbursement.claim_threshold")
    'fonds européen de fonctionnement 1, remboursement : seuil de la première demande de paiement'
    >>> describe_field("working_capital_loan.duration_months")
    'prêt de BFR (dimensionnement) : durée'
    >>> describe_field("sources[0].foo")
    'ressource 1 : champ « foo »'
    """
    if not path or path == "plan":
        return "plan"
    tokens = [_TOKEN.match(part) for part in path.split(".")]
    if any(token is None for token in tokens):
        return f"champ « {path[:80]} »"
    context: list[str] = []
    data = plan
    parent: str | None = None
    leaf = ""
    for position, token in enumerate(tokens):
        assert token is not None
        name, index = token[1], token[2]
        last = position == len(tokens) - 1
        data = _child(data, name)
        if name == "operating" and not last:
            parent = name
            continue
        if name == "timings" and parent == "operating" and not last:
            context.append("calendrier de versement")
            parent = name
            continue
        if name == "years" and index is not None:
            context.append(f"fonctionnement, année {int(index) + 1}")
            data = _item(data, int(index))
        elif name in _LINES and index is not None:
            data = _item(data, int(index))
            context.append(f"{_LINES[name]} {int(index) + 1}{_line_label(data)}")
        elif last:
            leaf = _IN_CONTEXT.get((parent or "", name)) or FIELD_LABELS.get(name) or f"champ « {name[:40]} »"
            if index is not None:
                leaf += f" n° {int(index) + 1}"
        else:
            context.append(_IN_CONTEXT.get((name, None)) or FIELD_LABELS.get(name) or f"champ « {name[:40]} »")
        parent = name
    if not leaf:
        return ", ".join(context)
    if not context:
        return leaf
    return f"{', '.join(context)} : {leaf}"
