"""The column spec of the dossiers' export (written by ``essaim.common.exports``): funder, programme,
state, dates and the money — asked, granted, paid, and planned.

« Prévu » (planned) is the total of the dossier's payment schedule (échéancier prévisionnel,
``PlannedTranche``), annotated by ``export_queryset`` in the same query; a dossier without a schedule
has an empty cell (unknown, never 0).
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery, Sum

from essaim.common.exports import Column
from essaim.funding_applications.models import PlannedTranche


def planned_amount(application):
    """Total of the dossier's planned tranches (payment schedule), or None when it has none."""
    return getattr(application, "planned_total", None)


def export_queryset(applications):
    planned = (
        PlannedTranche.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        applications.select_related(
            "project__holder", "project__commune__department", "funder", "programme", "envelope"
        )
        .annotate(planned_total=Subquery(planned))
        .order_by("-updated_at", "pk")
    )


APPLICATION_COLUMNS = [
    Column("Référence", lambda a: a.reference, width=16),
    Column("Objet", lambda a: a.title, width=30),
    Column("Projet", lambda a: a.project.name, width=34),
    Column("Porteur", lambda a: a.project.holder.name, width=30),
    Column("Département", lambda a: a.project.commune.department.name, width=16),
    Column("Financeur", lambda a: a.funder.name, width=30),
    Column("Dispositif", lambda a: a.programme.name if a.programme else "", width=30),
    Column("Enveloppe", lambda a: a.envelope.label if a.envelope else "", width=24),
    Column("État", lambda a: a.get_state_display(), width=22),
    Column("Créé le", lambda a: a.created_at, kind="datetime", width=12),
    Column("Soumis à la FNEP le", lambda a: a.submitted_at, kind="datetime", width=12),
    Column("Déposé le", lambda a: a.deposited_at, kind="datetime", width=12),
    Column("Décidé le", lambda a: a.decided_at, kind="datetime", width=12),
    Column("Convention signée le", lambda a: a.convention_signed_date, kind="date", width=12),
    Column("Retiré le", lambda a: a.withdrawn_at, kind="datetime", width=12),
    Column("Montant demandé (€)", lambda a: a.requested_amount, kind="number", decimals=2, width=16),
    Column("Montant accordé (€)", lambda a: a.decided_amount, kind="number", decimals=2, width=16),
    Column("Montant prévu à l'échéancier (€)", planned_amount, kind="number", decimals=2, width=16),
    Column("Montant versé (€)", lambda a: a.disbursed_amount, kind="number", decimals=2, width=16),
    Column("Reste à verser (€)", lambda a: a.remaining_amount, kind="number", decimals=2, width=16),
]
