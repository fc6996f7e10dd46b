"""The indicators Essaim knows: code, French label, unit, kind, source, licence, direction, caveat.

These definitions seed the ``Indicator`` table (data migration and every import call
``indicators_ensure``, which creates the missing ones and never overwrites an edit made in the
admin). Formulas and sources are detailed in docs/indicators.md.

Rates are stored as fractions (0.171 for 17,1 %), except ``bmo_projects_per_1000`` which is per
1 000 inhabitants.
"""

from __future__ import annotations

from essaim.indicators.enums import IndicatorKind, TerritoryLevel

OBSERVATOIRE_NEET_URL = (
    "https://www.observatoire-des-territoires.gouv.fr/outils/cartographie-interactive/"
    "#c=indicator&i=insee_rp_hist_xxxx.part_non_inseres&s=2022&view=map78"
)
BMO_URL = "https://www.data.gouv.fr/datasets/r/4319f5e8-a8e6-476c-8da0-c0d3439ebb55"
BMO_METHOD_URL = "https://statistiques.francetravail.org/bmo/static/methode_2024"
RP_DIPLOMAS_URL = "https://www.insee.fr/fr/statistiques/8581488"
RP_EMPLOYMENT_URL = "https://www.insee.fr/fr/statistiques/fichier/8581444/base-cc-emploi-pop-active-2022_csv.zip"
UNEMPLOYMENT_ZE_URL = "https://www.insee.fr/fr/statistiques/1893230"
POPULATIONS_URL = "https://www.npmjs.com/package/@etalab/decoupage-administratif"
INDUSTRY_TERRITORIES_URL = "https://www.data.gouv.fr/datasets/programme-territoires-dindustrie"
QPV_URL = "https://www.data.gouv.fr/datasets/quartiers-prioritaires-de-la-politique-de-la-ville-qpv"
CFA_URL = "https://referentiel.apprentissage.onisep.fr/"

OPEN_LICENCE = "Licence Ouverte 2.0"
OPEN_LICENCE_TO_CONFIRM = "Licence Ouverte 2.0 (à confirmer sur la page du jeu de données)"

# The README of the reference dataset: "Because S6's original publisher is undocumented, treat this
# crosswalk as provisional until checked against France Travail's official zoning."
BMO_CROSSWALK_CAVEAT = (
    "Table de passage communes → bassins BMO provisoire : elle provient d'une compilation tierce "
    "(projet Data For Good « ODIS ») dont l'éditeur d'origine n'est pas documenté ; elle reste à vérifier "
    "avec le zonage officiel des bassins de France Travail. Les projets d'un bassin sont répartis entre "
    "ses communes au prorata de la population municipale : par commune, EPCI, zone d'emploi ou département, "
    "ce sont des estimations. Une valeur couverte par le secret statistique (« * ») n'est jamais comptée "
    "comme 0 : elle est inconnue si tous les métiers retenus sont secrets, et la somme publiée est un "
    "minorant si certains le sont."
)
NEET_CAVEAT = (
    "Publiée en pourcentage par EPCI, sans numérateur ni dénominateur : une commune reçoit le taux de son "
    "EPCI ; une zone d'emploi ou un département, la moyenne des taux de ses communes pondérée par la "
    "population municipale (estimation). Pour les deux EPCI interrégionaux, le taux couvre aussi leur partie "
    "normande."
)
RP_CAVEAT = (
    "Effectifs du recensement estimés par sondage à la commune : additionnez-les, ne surinterprétez pas "
    "les petites communes."
)
UNEMPLOYMENT_ZE_CAVEAT = (
    "Publié par zone d'emploi, sans numérateur ni dénominateur : une commune reçoit le taux de sa zone ; "
    "un EPCI ou un département, la moyenne pondérée par la population municipale (estimation)."
)
FLAG_CAVEAT = (
    "Vaut 1 pour un EPCI membre, 0 sinon ; une commune reçoit la valeur de son EPCI ; une zone d'emploi ou "
    "un département, la part de sa population municipale couverte."
)

# code, label, unit, kind, native level, source, source URL, licence, higher means more need,
# trade-specific, formula (French), caveat
INDICATORS: list[dict] = [
    {
        "code": "population",
        "label": "Population municipale",
        "unit": "habitants",
        "kind": IndicatorKind.ADDITIVE,
        "native_level": TerritoryLevel.COMMUNE,
        "source_name": "INSEE, populations légales (via @etalab/decoupage-administratif, COG 2026)",
        "source_url": POPULATIONS_URL,
        "licence": OPEN_LICENCE,
        "higher_means_more_need": True,
        "formula": "Population municipale de la commune ; somme des communes au-dessus.",
    },
    {
        "code": "youths_15_17",
        "label": "Jeunes de 15 à 17 ans",
        "unit": "jeunes",
        "kind": IndicatorKind.ADDITIVE,
        "native_level": TerritoryLevel.COMMUNE,
        "source_name": "INSEE, recensement de la population, base communale « Diplômes – formation »",
        "source_url": RP_DIPLOMAS_URL,
        "licence": OPEN_LICENCE,
        "higher_means_more_need": True,
        "formula": "P22_POP1517 ; somme des communes.",
        "caveat": RP_CAVEAT,
    },
    {
        "code": "youths_18_24",
        "label": "Jeunes de 18 à 24 ans",
        "unit": "jeunes",
        "kind": IndicatorKind.ADDITIVE,
        "native_level": TerritoryLevel.COMMUNE,
        "source_name": "INSEE, recensement de la population, base communale « Diplômes – formation »",
        "source_url": RP_DIPLOMAS_URL,
        "licence": OPEN_LICENCE,
        "higher_means_more_need": True,
        "formula": "P22_POP1824 ; somme des communes.",
        "caveat": RP_CAVEAT,
    },
    {
        "code": "youths_15_24",
        "label": "Jeunes de 15 à 24 ans",
        "unit": "jeunes",
        "kind": IndicatorKind.ADDITIVE,
        "native_level": TerritoryLevel.COMMUNE,
        "source_name": "INSEE, recensement de la population, base communale « Emploi – population active »",
        "source_url": RP_EMPLOYMENT_URL,
        "licence": OPEN_LICENCE,
        "higher_means_more_need": True,
        "formula": "P22_POP1524 ; somme des communes.",
        "caveat": RP_CAVEAT,
    },
    {
        "code": "enrolment_rate_15_17",
        "label": "Taux de scolarisation des 15-17 ans",
        "unit": "%",
        "kind": IndicatorKind.RATE,
        "native_level": TerritoryLevel.COMMUNE,
        "source_name": "INSEE, recensement de la population, base communale « Diplômes – formation »",
        "source_url": RP_DIPLOMAS_URL,
        "licence": OPEN_LICENCE,
        "higher_means_more_need": False,
        "formula": "Σ P22_SCOL1517 / Σ P22_POP1517.",
        "caveat": RP_CAVEAT,
    },
    {
        "code": "enrolment_rate_18_24",
        "label": "Taux de scolarisation des 18-24 ans",
        "unit": "%",
        "kind": IndicatorKind.RATE,
        "native_level": TerritoryLevel.COMMUNE,
        "source_name": "INSEE, recensement de la population, base communale « Diplômes – formation »",
        "source_url": RP_DIPLOMAS_URL,
        "licence": OPEN_LICENCE,
        "higher_means_more_need": False,
        "formula": "Σ P22_SCOL1824 / Σ P22_POP1824.",
        "caveat": RP_CAVEAT,
    },
    {
        "code": "no_diploma_rate_15p",
        "label": "Part des non-scolarisés de 15 ans ou plus sans diplôme",
        "unit": "%",
        "kind": IndicatorKind.RATE,
        "native_level": TerritoryLevel.COMMUNE,
        "source_name": "INSEE, recensement de la population, base communale « Diplômes – formation »",
        "source_url": RP_DIPLOMAS_URL,
        "licence": OPEN_LICENCE,
        "higher_means_more_need": True,
        "formula": "Σ P22_NSCOL15P_DIPLMIN / Σ P22_NSCOL15P (aucun diplôme ou CEP ; toutes les classes d'âge).",
        "caveat": RP_CAVEAT,
    },
    {
        "code": "unemployment_rate_15_24",
        "label": "Taux de chômage des 15-24 ans (recensement)",
        "unit": "%",
        "kind": IndicatorKind.RATE,
        "native_level": TerritoryLevel.COMMUNE,
        "source_name": "INSEE, recensement de la population, base communale « Emploi – population active »",
        "source_url": RP_EMPLOYMENT_URL,
        "licence": OPEN_LICENCE,
        "higher_means_more_need": True,
        "formula": "Σ P22_CHOM1524 / Σ P22_ACT1524 (chômeurs au sens du recensement).",
        "caveat": RP_CAVEAT,
    },
    {
        "code": "neet_rate",
        "label": "Part des jeunes ni en emploi, ni en études, ni en formation (NEET)",
        "unit": "%",
        "kind": IndicatorKind.RATE,
        "native_level": TerritoryLevel.EPCI,
        "source_name": "ANCT, Observatoire des territoires, d'après l'INSEE (recensement)",
        "source_url": OBSERVATOIRE_NEET_URL,
        "licence": OPEN_LICENCE_TO_CONFIRM,
        "higher_means_more_need": True,
        "formula": "« Part des jeunes non insérés (ni en emploi, ni scolarisés) » publiée par EPCI, divisée par 100.",
        "caveat": NEET_CAVEAT,
    },
    {
        "code": "unemployment_rate_ze",
        "label": "Taux de chômage localisé",
        "unit": "%",
        "kind": IndicatorKind.RATE,
        "native_level": TerritoryLevel.EMPLOYMENT_ZONE,
        "source_name": "INSEE, taux de chômage localisés par zone d'emploi (trimestriels)",
        "source_url": UNEMPLOYMENT_ZE_URL,
        "licence": OPEN_LICENCE,
        "higher_means_more_need": True,
        "formula": "Taux publié pour le trimestre retenu (millésime), divisé par 100.",
        "caveat": UNEMPLOYMENT_ZE_CAVEAT,
    },
    {
        "code": "bmo_projects",
        "label": "Projets de recrutement (BMO)",
        "unit": "projets",
        "kind": IndicatorKind.ADDITIVE,
        "native_level": TerritoryLevel.BMO_BASIN,
        "is_trade_specific": True,
        "source_name": "France Travail, enquête Besoins en main-d'œuvre",
        "source_url": BMO_URL,
        "licence": OPEN_LICENCE_TO_CONFIRM,
        "higher_means_more_need": True,
        "formula": "Σ met des codes métiers BMO du métier, par bassin ; réparti entre les communes du bassin "
        "au prorata de la population municipale.",
        "caveat": BMO_CROSSWALK_CAVEAT,
    },
    {
        "code": "bmo_difficult_projects",
        "label": "Projets de recrutement jugés difficiles (BMO)",
        "unit": "projets",
        "kind": IndicatorKind.ADDITIVE,
        "native_level": TerritoryLevel.BMO_BASIN,
        "is_trade_specific": True,
        "source_name": "France Travail, enquête Besoins en main-d'œuvre",
        "source_url": BMO_URL,
        "licence": OPEN_LICENCE_TO_CONFIRM,
        "higher_means_more_need": True,
        "formula": "Σ xmet des codes métiers BMO du métier, par bassin ; réparti comme les projets.",
        "caveat": BMO_CROSSWALK_CAVEAT,
    },
    {
        "code": "bmo_seasonal_projects",
        "label": "Projets de recrutement saisonniers (BMO)",
        "unit": "projets",
        "kind": IndicatorKind.ADDITIVE,
        "native_level": TerritoryLevel.BMO_BASIN,
        "is_trade_specific": True,
        "source_name": "France Travail, enquête Besoins en main-d'œuvre",
        "source_url": BMO_URL,
        "licence": OPEN_LICENCE_TO_CONFIRM,
        "higher_means_more_need": False,
        "formula": "Σ smet des codes métiers BMO du métier, par bassin ; réparti comme les projets.",
        "caveat": BMO_CROSSWALK_CAVEAT,
    },
    {
        "code": "bmo_difficulty_rate",
        "label": "Part des projets de recrutement jugés difficiles (BMO)",
        "unit": "%",
        "kind": IndicatorKind.RATE,
        "native_level": TerritoryLevel.BMO_BASIN,
        "is_trade_specific": True,
        "source_name": "France Travail, enquête Besoins en main-d'œuvre",
        "source_url": BMO_URL,
        "licence": OPEN_LICENCE_TO_CONFIRM,
        "higher_means_more_need": True,
        "formula": "Σ xmet / Σ met, sur les lignes où les deux sont publiés.",
        "caveat": BMO_CROSSWALK_CAVEAT,
    },
    {
        "code": "bmo_projects_per_1000",
        "label": "Projets de recrutement pour 1 000 habitants (BMO)",
        "unit": "pour 1 000 habitants",
        "kind": IndicatorKind.RATE,
        "native_level": TerritoryLevel.BMO_BASIN,
        "is_trade_specific": True,
        "is_derived": True,
        "source_name": "France Travail, enquête Besoins en main-d'œuvre ; INSEE, populations légales",
        "source_url": BMO_URL,
        "licence": OPEN_LICENCE_TO_CONFIRM,
        "higher_means_more_need": True,
        "formula": "1 000 × Σ projets de recrutement (répartis) / Σ population municipale ; calculé, non importé.",
        "caveat": BMO_CROSSWALK_CAVEAT,
    },
    {
        "code": "industry_territory",
        "label": "Territoire d'industrie",
        "unit": "part de la population",
        "kind": IndicatorKind.FLAG,
        "native_level": TerritoryLevel.EPCI,
        "source_name": "ANCT, programme Territoires d'industrie",
        "source_url": INDUSTRY_TERRITORIES_URL,
        "licence": OPEN_LICENCE_TO_CONFIRM,
        "higher_means_more_need": True,
        "formula": "1 si l'EPCI est dans un Territoire d'industrie, 0 sinon ; au-dessus : part de la population.",
        "caveat": FLAG_CAVEAT,
    },
    {
        "code": "qpv_count",
        "label": "Quartiers prioritaires de la politique de la ville (QPV)",
        "unit": "quartiers",
        "kind": IndicatorKind.ADDITIVE,
        "native_level": TerritoryLevel.COMMUNE,
        "source_name": "ANCT, quartiers prioritaires de la politique de la ville (2024)",
        "source_url": QPV_URL,
        "licence": OPEN_LICENCE,
        "higher_means_more_need": True,
        "formula": "Nombre de QPV touchant la commune ; somme des communes (un QPV sur deux communes compte deux "
        "fois au-dessus).",
    },
    {
        "code": "cfa_count",
        "label": "CFA et organismes de formation en apprentissage",
        "unit": "organismes",
        "kind": IndicatorKind.ADDITIVE,
        "native_level": TerritoryLevel.COMMUNE,
        "source_name": "ONISEP, référentiel national des OFA-CFA",
        "source_url": CFA_URL,
        "licence": OPEN_LICENCE_TO_CONFIRM,
        "higher_means_more_need": False,
        "formula": "Nombre d'organismes importés dans la commune ; somme des communes.",
        "caveat": "Sens à discuter : une offre d'apprentissage proche peut concurrencer ou compléter une école.",
    },
]

INDICATOR_CODES = [definition["code"] for definition in INDICATORS]


def indicators_ensure(indicator_model) -> int:
    """Create the catalogue's indicators that are missing; never overwrite an edit. Returns how many were created.

    Takes the model as a parameter so that the data migration can pass its historical model.
    """
    existing = set(indicator_model.objects.values_list("code", flat=True))
    created = 0
    for order, definition in enumerate(INDICATORS):
        if definition["code"] in existing:
            continue
        values = {key: value for key, value in definition.items() if key != "code"}
        indicator_model.objects.create(code=definition["code"], sort_order=order, **values)
        created += 1
    return created
