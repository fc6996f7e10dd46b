"""The column spec of the dossiers' export (written by ``essaim.common.exports``): funder, programme,
state, dates and the money — asked, granted, paid, and planned.

« Prévu » (planned) is read through ``planned_amount``: the payment schedule (échéancier, issue 15) is
added by another change; until a dossier carries one, the cell is empty. **Hook**: when the schedule
exists, make ``planned_amount`` return the sum of its planned tranches (and prefetch them in
``export_queryset``), nothing else changes.
"""

from __future__ import annotations

from essaim.common.exports import Column


def planned_amount(application):
    """Total of the dossier's planned tranches (payment schedule), or None when it has none yet."""
    schedule = getattr(application, "planned_total", None)
    return schedule


def export_queryset(applications):
    return applications.select_related(
        "project__holder", "project__commune__department", "funder", "programme", "envelope"
    ).order_by("-updated_at", "pk")


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
