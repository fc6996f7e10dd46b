"""Choices of the indicators app: English values (stored, never changed), French labels."""

from django.db import models


class TerritoryLevel(models.TextChoices):
    """Where a value of the long table applies. Codes are the official ones, as text."""

    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    EMPLOYMENT_ZONE = "employment_zone", "Zone d'emploi"
    DEPARTMENT = "department", "Département"
    REGION = "region", "Région"
    BMO_BASIN = "bmo_basin", "Bassin BMO"


class IndicatorKind(models.TextChoices):
    """How an indicator aggregates (see docs/indicators.md)."""

    ADDITIVE = "additive", "Effectif (additionné)"
    RATE = "rate", "Taux (recalculé : Σ numérateurs / Σ dénominateurs)"
    FLAG = "flag", "Appartenance (oui / non)"


class ImportKind(models.TextChoices):
    """One kind per importer (``essaim indicators import KIND FILE``)."""

    REFERENCE_POPULATIONS = "reference-populations", "Populations municipales (jeu de référence)"
    REFERENCE_NEET = "reference-neet", "Part de NEET par EPCI (jeu de référence)"
    REFERENCE_BMO_BASINS = "reference-bmo-basins", "Bassins BMO et table de passage communes (jeu de référence)"
    REFERENCE_BMO = "reference-bmo", "Enquête BMO par bassin et métier (France Travail)"
    TRADE_BMO_CODES = "trade-bmo-codes", "Codes métiers BMO des métiers du programme"
    INSEE_RP_DIPLOMAS = "insee-rp-diplomas", "INSEE RP, base communale « Diplômes – formation »"
    INSEE_RP_EMPLOYMENT = "insee-rp-employment", "INSEE RP, base communale « Emploi – population active »"
    INSEE_UNEMPLOYMENT_ZE = "insee-unemployment-ze", "INSEE, taux de chômage localisés par zone d'emploi"
    INDUSTRY_TERRITORIES = "industry-territories", "Territoires d'industrie (ANCT)"
    QPV = "qpv", "Quartiers prioritaires de la politique de la ville (ANCT)"
    CFA = "cfa", "CFA et organismes de formation en apprentissage (référentiel ONISEP)"
    PRODUCTION_SCHOOLS = "production-schools", "Écoles de production (liste tenue par le programme)"
