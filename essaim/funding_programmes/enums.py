from django.db import models


class ProgrammeKind(models.TextChoices):
    """What a funding programme (dispositif) gives."""

    INVESTMENT_GRANT = "investment_grant", "Subvention d'investissement"
    OPERATING_GRANT = "operating_grant", "Subvention de fonctionnement"
    SUBORDINATED_LOAN = "subordinated_loan", "Prêt subordonné"
    REPAYABLE_ADVANCE = "repayable_advance", "Avance remboursable"
    ENGINEERING = "engineering", "Ingénierie"
    PATRONAGE = "patronage", "Mécénat"
    PER_LEARNER_GRANT = "per_learner_grant", "Subvention par jeune"


class FundingLineStatus(models.TextChoices):
    """A funding line moves from demandé to obtenu or refusé, then versé once fully paid."""

    REQUESTED = "requested", "Demandé"
    GRANTED = "granted", "Obtenu"
    REFUSED = "refused", "Refusé"
    PAID = "paid", "Versé"


class BeneficiaryKind(models.TextChoices):
    """Who a programme funds, in the programme's terms (every holder is a non-profit body)."""

    SCHOOL_PROJECT = "school_project", "Projet d'école de production (pas encore ouverte)"
    OPEN_SCHOOL = "open_school", "École de production ouverte"


class CostBase(models.TextChoices):
    """What the maximum rate of a programme applies to (the eligible costs of the plan)."""

    INVESTMENT = "investment", "Dépenses d'investissement du plan"
    OPERATING = "operating", "Dépenses de fonctionnement du plan (toutes les années)"
    PER_YOUTH = "per_youth", "Nombre de jeunes accueillis (montant par jeune et par an)"
    NONE = "none", "Montant forfaitaire (sans assiette)"


class PlanTarget(models.TextChoices):
    """Where « ajouter au plan » puts the programme in the financing plan."""

    INVESTMENT_SOURCE = "investment_source", "Ressource du plan d'investissement"
    EU_OPERATING_GRANT = "eu_operating_grant", "Subvention européenne de fonctionnement (FSE+)"
    STATE_SUBSIDY_PER_YOUTH = "state_subsidy_per_youth", "Subvention de l'État par jeune (budget de fonctionnement)"
    APPRENTICESHIP_TAX = "apprenticeship_tax", "Taxe d'apprentissage (budget de fonctionnement)"
    OPERATING_GRANT = "operating_grant", "Subvention de fonctionnement d'une collectivité (budget de fonctionnement)"
    NONE = "none", "Ne s'ajoute pas au plan"


class MovementKind(models.TextChoices):
    """A row of an envelope's ledger."""

    COMMITMENT = "commitment", "Engagement"
    RELEASE = "release", "Dégagement"
    DISBURSEMENT = "disbursement", "Versement"


class Verdict(models.TextChoices):
    """Result of matching a project against a programme."""

    ELIGIBLE = "eligible", "Éligible"
    NOT_ELIGIBLE = "not_eligible", "Non éligible"
    TO_CHECK = "to_check", "À vérifier"
