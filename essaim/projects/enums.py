from django.db import models


class ProjectStage(models.TextChoices):
    """Stages of a project, from the first idea to the opening (the allowed moves come with the
    projects workflow)."""

    IDEA = "idea", "Idée"
    OPPORTUNITY_STUDY = "opportunity_study", "Étude d'opportunité"
    ACCREDITATION_PENDING = "accreditation_pending", "Labellisation FNEP en cours"
    ACCREDITED = "accredited", "Labellisée"
    FINANCING_PLAN = "financing_plan", "Plan de financement"
    FUNDING_SECURED = "funding_secured", "Financement bouclé"
    OPEN = "open", "Ouverte"
    ABANDONED = "abandoned", "Abandonnée"


class PartnerRole(models.TextChoices):
    """What an organisation brings to a project (an organisation may hold several roles)."""

    PATRON = "patron", "Mécène"
    CUSTOMER = "customer", "Client"
    PARTNER_CFA = "partner_cfa", "CFA partenaire"
    PRESCRIBER = "prescriber", "Prescripteur (mission locale…)"
    COLLECTIVITE = "collectivite", "Collectivité"
    FUNDER = "funder", "Financeur"
    OTHER = "other", "Autre"


class PartnerStatus(models.TextChoices):
    """Where a partner stands with the project (the moves are declared in ``partner_workflow.py``)."""

    CONTACTED = "contacted", "Contacté"
    INTERESTED = "interested", "Intéressé"
    COMMITTED = "committed", "Engagé"
    DECLINED = "declined", "Décliné"


class EngagementKind(models.TextChoices):
    """What a partner commits to bring to the school."""

    MONEY = "money", "Financement"
    PREMISES = "premises", "Locaux"
    ORDERS = "orders", "Commandes"
    TUTORS = "tutors", "Tuteurs, maîtres professionnels"
    EQUIPMENT = "equipment", "Équipement, machines"
