"""The SCDL « subventions » file (schema.data.gouv.fr, version 2.1.0) of a funder's grant conventions.

One row per signed convention of a dossier addressed to the funder through a *grant* programme
(subvention d'investissement, de fonctionnement, par jeune): loans and repayable advances are never
in it, nor dossiers without a programme (the platform cannot tell a grant from a loan there). Only
what the schema asks for, and nothing personal: organisations (names, SIRET), the convention, the
amount and the payments. Columns, in the schema's order:

| Column | Source |
|---|---|
| nomAttribuant, idAttribuant | the funder's name and SIRET |
| dateConvention | the convention's signature date |
| referenceDecision | the dossier's public reference (DF-…) |
| nomBeneficiaire, idBeneficiaire | the project holder's name and SIRET |
| rnaBeneficiaire | empty (the RNA number is not kept) |
| objet | the dossier's subject (256 characters at most) |
| montant | the amount granted, in euros, « . » as decimal separator |
| nature | « aide en numéraire » |
| conditionsVersement | « unique » (at most one payment), else « échelonné » |
| datesPeriodeVersement | the payment date, or first/last payment, or the convention date before any payment |
| idRAE, dispositifAide | empty (no such identifiers on the platform) |
| notificationUE | « non » |
| pourcentageSubvention | 1.00 (one beneficiary per dossier) |
"""

from __future__ import annotations

import json

from django.db.models import Count, Max, Min

from essaim.common.exports import csv_text
from essaim.funding_applications.enums import ApplicationState
from essaim.funding_applications.models import FundingApplication
from essaim.funding_programmes.enums import ProgrammeKind

SCHEMA_NAME = "scdl-subventions"
SCHEMA_VERSION = "2.1.0"
FIELDS = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)
GRANT_KINDS = (ProgrammeKind.INVESTMENT_GRANT, ProgrammeKind.OPERATING_GRANT, ProgrammeKind.PER_LEARNER_GRANT)


def signed_conventions(funder):
    """The funder's signed conventions (any programme), with their payment dates."""
    return (
        FundingApplication.objects.filter(funder=funder, state=ApplicationState.CONVENTION_SIGNED)
        .select_related("project__holder", "programme", "funder")
        .annotate(
            first_payment=Min("disbursements__paid_date"),
            last_payment=Max("disbursements__paid_date"),
            payment_count=Count("disbursements"),
        )
        .order_by("convention_signed_date", "pk")
    )


def grant_conventions(funder):
    return signed_conventions(funder).filter(programme__kind__in=GRANT_KINDS)


def _payment_period(application) -> str:
    if application.first_payment is None:
        return application.convention_signed_date.isoformat()
    if application.first_payment == application.last_payment:
        return application.first_payment.isoformat()
    return f"{application.first_payment.isoformat()}/{application.last_payment.isoformat()}"


def rows(funder) -> list[dict[str, str]]:
    result = []
    for application in grant_conventions(funder):
        holder = application.project.holder
        result.append(
            {
                "nomAttribuant": funder.name,
                "idAttribuant": funder.siret,
                "dateConvention": application.convention_signed_date.isoformat(),
                "referenceDecision": application.reference,
                "nomBeneficiaire": holder.name,
                "idBeneficiaire": holder.siret,
                "rnaBeneficiaire": "",
                "objet": application.title[:256],
                "montant": f"{application.decided_amount:.2f}",
                "nature": "aide en numéraire",
                "conditionsVersement": "unique" if application.payment_count <= 1 else "échelonné",
                "datesPeriodeVersement": _payment_period(application),
                "idRAE": "",
                "notificationUE": "non",
                "pourcentageSubvention": "1.00",
                "dispositifAide": "",
            }
        )
    return result


def problems(funder) -> list[str]:
    """What keeps the file from being complete or valid, in French (shown on the page)."""
    notes = []
    if not funder.siret:
        notes.append("Le SIRET de votre organisation manque : il est obligatoire (idAttribuant). Renseignez-le.")
    without_programme = signed_conventions(funder).filter(programme__isnull=True).count()
    if without_programme:
        notes.append(
            f"{without_programme} convention(s) signée(s) sans dispositif : liez chaque dossier à son dispositif "
            "pour qu'il soit publié s'il s'agit d'une subvention."
        )
    missing = [row["referenceDecision"] for row in rows(funder) if not row["idBeneficiaire"]]
    if missing:
        notes.append(f"SIRET du bénéficiaire manquant pour : {', '.join(missing)}.")
    return notes


def to_csv(data: list[dict[str, str]]) -> bytes:
    """The SCDL CSV, through the platform's one neutralising writer (a beneficiary or an object starting
    with ``=`` is written as text, see ``essaim.common.exports``)."""
    return csv_text(FIELDS, ([row.get(field, "") for field in FIELDS] for row in data), lineterminator="\r\n").encode(
        "utf-8"
    )


def to_json(data: list[dict[str, str]]) -> bytes:
    """An array of objects keyed by the schema's field names, values as in the CSV (Table Schema's
    keyed-rows JSON form)."""
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def filename(funder, extension: str) -> str:
    siren = funder.siret[:9] if funder.siret else str(funder.uid)[:8]
    return f"subventions-{siren}.{extension}"
