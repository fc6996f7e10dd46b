"""The workflow of a funding dossier, declared in one place.

Each ``Transition`` says from which states it starts, where it goes, who may take it (a rules
predicate on the acting organisation and role), what it asks for (comment, amount…), which guards
must hold and who is notified. ``services.funding_application_transition`` is the only code that
applies it; ``docs/funding-applications.md`` shows the same table for readers.

    brouillon → soumis à la FNEP → (à compléter ⇄) → validé par la FNEP → déposé → en instruction
      → (à compléter ⇄) → accordé → convention signée (→ versements)
                        → refusé / classé sans suite   (réouverture par le financeur, motivée)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import rules

from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.permissions import (
    acts_for_fnep,
    is_application_funder,
    is_application_holder,
    state_in,
)
from essaim.organizations.enums import OrganizationKind
from essaim.organizations.permissions import has_write_role
from financing_engine import PlanInputError, plan_from_dict

holder_writer = is_application_holder & has_write_role
fnep_writer = acts_for_fnep & has_write_role
funder_writer = is_application_funder & has_write_role

# Guard messages (French, shown to users; tests assert on them).
MISSING_DOCUMENTS = "Pièces obligatoires manquantes pour ce financeur : {names}."
PLAN_ALTERED = (
    "Le plan de financement joint (version {number}) ne correspond plus à son empreinte : il ne peut pas être transmis."
)
BDT_NEEDS_LOCAL_GRANT = (
    "Le dossier ne peut pas être déposé auprès de la Banque des Territoires : la version figée du plan de "
    "financement (version {number}) ne comporte aucune subvention d'investissement d'une collectivité "
    "(Région, département, EPCI ou commune). Le prêt de la Banque des Territoires complète ces subventions ; "
    "ajoutez la ligne dans une nouvelle version du plan et créez un nouveau dossier."
)
BDT_NEEDS_FNEP_VALIDATION = (
    "Le dossier ne peut pas être déposé auprès de la Banque des Territoires : la FNEP n'a pas validé le plan "
    "de financement."
)
PLAN_UNREADABLE = "Le plan de financement joint (version {number}) est illisible : {error}"


def guard_required_documents(application) -> str | None:
    """Every document kind required for this kind of funder is attached."""
    from essaim.funding_applications.models import RequiredDocumentKind

    present = set(application.documents.values_list("kind_id", flat=True))
    missing = [
        kind.name
        for kind in RequiredDocumentKind.objects.order_by("position", "name")
        if kind.is_required_for(application.funder.kind) and kind.pk not in present
    ]
    return MISSING_DOCUMENTS.format(names=", ".join(missing)) if missing else None


def guard_plan_intact(application) -> str | None:
    """The frozen plan version still matches the hash stored when it was submitted."""
    version = application.plan_version
    return None if version.is_frozen and version.is_intact else PLAN_ALTERED.format(number=version.number)


def has_local_authority_investment_grant(plan_content) -> bool:
    """The plan's investment sources include a grant of the Région, a département, an EPCI or a commune.

    Read through the engine (``plan_from_dict``), so the rule follows the engine's source kinds.
    """
    plan = plan_from_dict(plan_content)
    return any(source.kind.is_local_authority_grant and source.amount > 0 for source in plan.sources)


def guard_bdt_deposit(application) -> str | None:
    """Domain rule (domain.md §7.2): a dossier reaches the Banque des Territoires only with a local-authority
    investment grant line in its frozen plan and after FNEP validated the plan."""
    if application.funder.kind != OrganizationKind.BANQUE_DES_TERRITOIRES:
        return None
    version = application.plan_version
    if application.validated_at is None:
        return BDT_NEEDS_FNEP_VALIDATION
    try:
        if not has_local_authority_investment_grant(version.content):
            return BDT_NEEDS_LOCAL_GRANT.format(number=version.number)
    except PlanInputError as error:
        return PLAN_UNREADABLE.format(number=version.number, error=error)
    return None


@dataclass(frozen=True)
class Transition:
    name: str  # service suffix (funding_application_<name>) and URL slug
    label: str  # button label
    sources: frozenset[str]
    target: str | None  # None: back to the state that asked for completion
    actor: rules.Predicate
    actor_label: str  # who, for the documentation and the timeline
    comment: str = "optional"  # "none", "optional" or "required"
    comment_label: str = "Commentaire"
    fields: tuple[str, ...] = ()  # extra inputs: decided_amount, conditions, convention_signed_date
    guards: tuple[Callable, ...] = ()
    notify: tuple[str, ...] = ()  # audiences: holder, fnep, funder, reviewers (FNEP before deposit, else funder)
    done: str = ""  # success message
    style: str = "primary"  # primary, secondary or danger (button look)

    @property
    def permission(self) -> str:
        return f"funding_applications.{self.name}"

    def target_for(self, application) -> str:
        return self.target or application.completion_return_state


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="submit",
        label="Soumettre à la FNEP",
        sources=frozenset({S.DRAFT}),
        target=S.SUBMITTED_TO_FNEP,
        actor=holder_writer,
        actor_label="Porteur (administrateur ou membre)",
        guards=(guard_required_documents, guard_plan_intact),
        notify=("fnep", "holder"),
        done="Le dossier a été soumis à la FNEP.",
    ),
    Transition(
        name="request_completion",
        label="Demander des compléments",
        sources=frozenset({S.SUBMITTED_TO_FNEP}),
        target=S.COMPLETION_REQUESTED,
        actor=fnep_writer,
        actor_label="FNEP",
        comment="required",
        comment_label="Ce que le porteur doit compléter",
        notify=("holder",),
        done="Le dossier a été renvoyé au porteur pour compléments.",
        style="secondary",
    ),
    Transition(
        name="complete",
        label="Renvoyer le dossier complété",
        sources=frozenset({S.COMPLETION_REQUESTED}),
        target=None,
        actor=holder_writer,
        actor_label="Porteur (administrateur ou membre)",
        comment_label="Réponse aux demandes de compléments",
        guards=(guard_required_documents,),
        notify=("reviewers",),
        done="Le dossier complété a été renvoyé.",
    ),
    Transition(
        name="validate",
        label="Valider le dossier",
        sources=frozenset({S.SUBMITTED_TO_FNEP}),
        target=S.FNEP_VALIDATED,
        actor=fnep_writer,
        actor_label="FNEP",
        guards=(guard_plan_intact,),
        notify=("holder",),
        done="Le dossier a été validé par la FNEP.",
    ),
    Transition(
        name="deposit",
        label="Déposer auprès du financeur",
        sources=frozenset({S.FNEP_VALIDATED}),
        target=S.DEPOSITED,
        actor=fnep_writer,
        actor_label="FNEP",
        guards=(guard_plan_intact, guard_bdt_deposit),
        notify=("funder", "holder"),
        done="Le dossier a été déposé ; l'attestation de dépôt est disponible.",
    ),
    Transition(
        name="start_review",
        label="Prendre en instruction",
        sources=frozenset({S.DEPOSITED}),
        target=S.IN_REVIEW,
        actor=funder_writer,
        actor_label="Financeur",
        notify=("holder", "fnep"),
        done="Le dossier est en instruction.",
    ),
    Transition(
        name="request_review_completion",
        label="Demander des compléments",
        sources=frozenset({S.IN_REVIEW}),
        target=S.COMPLETION_REQUESTED,
        actor=funder_writer,
        actor_label="Financeur",
        comment="required",
        comment_label="Ce que le porteur doit compléter",
        notify=("holder", "fnep"),
        done="Le dossier a été renvoyé au porteur pour compléments.",
        style="secondary",
    ),
    Transition(
        name="grant",
        label="Accorder",
        sources=frozenset({S.IN_REVIEW}),
        target=S.GRANTED,
        actor=funder_writer,
        actor_label="Financeur",
        comment="optional",
        comment_label="Commentaire",
        fields=("decided_amount", "conditions"),
        notify=("holder", "fnep"),
        done="Le financement a été accordé.",
    ),
    Transition(
        name="refuse",
        label="Refuser",
        sources=frozenset({S.IN_REVIEW}),
        target=S.REFUSED,
        actor=funder_writer,
        actor_label="Financeur",
        comment="required",
        comment_label="Motifs du refus",
        notify=("holder", "fnep"),
        done="Le financement a été refusé.",
        style="danger",
    ),
    Transition(
        name="close",
        label="Classer sans suite",
        sources=frozenset({S.DEPOSITED, S.IN_REVIEW}),
        target=S.CLOSED,
        actor=funder_writer,
        actor_label="Financeur",
        comment="required",
        comment_label="Motif du classement",
        notify=("holder", "fnep"),
        done="Le dossier a été classé sans suite.",
        style="danger",
    ),
    Transition(
        name="reopen",
        label="Rouvrir l'instruction",
        sources=frozenset({S.GRANTED, S.REFUSED, S.CLOSED}),
        target=S.IN_REVIEW,
        actor=funder_writer,
        actor_label="Financeur",
        comment="required",
        comment_label="Motif de la réouverture",
        notify=("holder", "fnep"),
        done="L'instruction du dossier a été rouverte.",
        style="secondary",
    ),
    Transition(
        name="sign_convention",
        label="Enregistrer la signature de la convention",
        sources=frozenset({S.GRANTED}),
        target=S.CONVENTION_SIGNED,
        actor=funder_writer,
        actor_label="Financeur",
        fields=("convention_signed_date",),
        notify=("holder", "fnep"),
        done="La signature de la convention a été enregistrée.",
    ),
)
TRANSITIONS_BY_NAME = {transition.name: transition for transition in TRANSITIONS}
# The decision (accordé / refusé / classé sans suite) is shown as one form on the dossier page.
DECISION_TRANSITIONS = ("grant", "refuse", "close")

for _transition in TRANSITIONS:
    rules.add_perm(_transition.permission, _transition.actor & state_in(*_transition.sources))


def available_transitions(user, application) -> list[Transition]:
    """The transitions this user may take now on this dossier (role and state), in table order."""
    return [t for t in TRANSITIONS if rules.has_perm(t.permission, user, application)]
