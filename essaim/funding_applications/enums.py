from django.db import models


class ApplicationState(models.TextChoices):
    """States of a funding dossier; the allowed moves are declared in ``workflow.py``."""

    DRAFT = "draft", "Brouillon"
    SUBMITTED_TO_FNEP = "submitted_to_fnep", "Soumis à la FNEP"
    COMPLETION_REQUESTED = "completion_requested", "À compléter"
    FNEP_VALIDATED = "fnep_validated", "Validé par la FNEP"
    DEPOSITED = "deposited", "Déposé"
    IN_REVIEW = "in_review", "En instruction"
    GRANTED = "granted", "Accordé"
    REFUSED = "refused", "Refusé"
    CLOSED = "closed", "Classé sans suite"
    CONVENTION_SIGNED = "convention_signed", "Convention signée"
    WITHDRAWN = "withdrawn", "Retiré par le porteur"


# States in which the holder may still add or remove documents.
EDITABLE_STATES = frozenset({ApplicationState.DRAFT, ApplicationState.COMPLETION_REQUESTED})
# A decision was taken (the dossier may only be reopened by its funder, with a reason).
DECIDED_STATES = frozenset({ApplicationState.GRANTED, ApplicationState.REFUSED, ApplicationState.CLOSED})
# States that carry a decided amount.
GRANTED_STATES = frozenset({ApplicationState.GRANTED, ApplicationState.CONVENTION_SIGNED})

# Kinds of organisations a holder may address a dossier to.
FUNDER_KINDS = ("banque_des_territoires", "region", "collectivite", "other_funder")


# States from which the holder may withdraw a dossier (with a reason; once the convention is signed, the
# funder's procedures apply).
WITHDRAWABLE_STATES = frozenset(
    {
        ApplicationState.SUBMITTED_TO_FNEP,
        ApplicationState.COMPLETION_REQUESTED,
        ApplicationState.FNEP_VALIDATED,
        ApplicationState.DEPOSITED,
        ApplicationState.IN_REVIEW,
        ApplicationState.GRANTED,
    }
)
# A dossier still « open » (neither decided negatively, withdrawn nor closed): two open dossiers of one
# project with one funder draw a warning.
CLOSED_STATES = frozenset({ApplicationState.REFUSED, ApplicationState.CLOSED, ApplicationState.WITHDRAWN})


class CorrectionKind(models.TextChoices):
    """Why a reviewer asks the holder for corrections (the categories of Démarches simplifiées)."""

    INCOMPLETE = "incomplete", "Dossier incomplet"
    INCORRECT = "incorrect", "Information incorrecte"
    OUTDATED = "outdated", "Pièce ou information périmée"


class CorrectionStatus(models.TextChoices):
    OPEN = "open", "En attente de correction"
    CLOSED = "closed", "Corrigée"


class ExpertRequestStatus(models.TextChoices):
    OPEN = "open", "En attente de l'avis"
    ANSWERED = "answered", "Avis rendu"
    REVOKED = "revoked", "Demande retirée"
