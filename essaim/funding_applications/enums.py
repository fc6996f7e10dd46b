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


# States in which the holder may still add or remove documents.
EDITABLE_STATES = frozenset({ApplicationState.DRAFT, ApplicationState.COMPLETION_REQUESTED})
# A decision was taken (the dossier may only be reopened by its funder, with a reason).
DECIDED_STATES = frozenset({ApplicationState.GRANTED, ApplicationState.REFUSED, ApplicationState.CLOSED})
# States that carry a decided amount.
GRANTED_STATES = frozenset({ApplicationState.GRANTED, ApplicationState.CONVENTION_SIGNED})

# Kinds of organisations a holder may address a dossier to.
FUNDER_KINDS = ("banque_des_territoires", "region", "collectivite", "other_funder")


class ExpertRequestStatus(models.TextChoices):
    OPEN = "open", "En attente de l'avis"
    ANSWERED = "answered", "Avis rendu"
    REVOKED = "revoked", "Demande retirée"
