"""The seeded catalogue: the programmes documented in ../shared/docs/domain.md, each with its source.

``catalogue_load()`` is idempotent (programmes by slug, envelopes by programme and label, funders
reused by kind for the Région and the Banque des Territoires, by name otherwise). Envelope amounts come
from the doc when it gives one (``source_note`` says where); any other amount is a demo figure
(``is_demo_figure=True``, shown « montant fictif » on every page).

Run by ``essaim funding_programmes load-catalogue`` and by ``essaim load_demo``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from essaim.funding_programmes.enums import BeneficiaryKind, CostBase, PlanTarget, ProgrammeKind
from essaim.funding_programmes.models import BudgetEnvelope, FundingProgramme
from essaim.organizations.enums import OrganizationKind
from essaim.organizations.models import Organization
from essaim.projects.enums import ProjectStage
from financing_engine.inputs import ExpenseKind, SourceKind, UseCategory

D = Decimal
SALARIES = [ExpenseKind.MASTER_TRAINERS.value, ExpenseKind.TEACHING_STAFF.value, ExpenseKind.SUPPORT_STAFF.value]
BEFORE_OPENING = [
    ProjectStage.IDEA,
    ProjectStage.OPPORTUNITY_STUDY,
    ProjectStage.ACCREDITATION_PENDING,
    ProjectStage.ACCREDITED,
    ProjectStage.FINANCING_PLAN,
]

# Funders: key → (kind, name used when it must be created). The Région, the Banque des Territoires and
# FNEP are reused by kind (the demo's partner organisations); the others by name.
FUNDERS = {
    "region": (OrganizationKind.REGION, "Région Hauts-de-France"),
    "bdt": (OrganizationKind.BANQUE_DES_TERRITOIRES, "Banque des Territoires – direction régionale Hauts-de-France"),
    "state": (OrganizationKind.OTHER_FUNDER, "État – ministère du Travail et France Relance"),
    "companies": (OrganizationKind.OTHER_FUNDER, "Entreprises versant le solde de la taxe d'apprentissage"),
    "foundations": (
        OrganizationKind.OTHER_FUNDER,
        "Fondations et mécènes (Fondation EDC, fondations Crédit Agricole…)",
    ),
}
REUSED_BY_KIND = {"region", "bdt"}


@dataclass(frozen=True)
class EnvelopeSpec:
    label: str
    amount: Decimal
    start: date
    end: date
    demo: bool
    source_note: str = ""


@dataclass(frozen=True)
class ProgrammeSpec:
    slug: str
    name: str
    funder: str
    kind: str
    source_url: str
    description: str
    fields: dict = field(default_factory=dict)
    envelopes: tuple[EnvelopeSpec, ...] = ()


CATALOGUE: tuple[ProgrammeSpec, ...] = (
    ProgrammeSpec(
        slug="bdt-pret-subordonne",
        name="Prêt subordonné de la Banque des Territoires aux écoles de production",
        funder="bdt",
        kind=ProgrammeKind.SUBORDINATED_LOAN,
        source_url="http://www.touteduc.fr/fr/scolaire/id-15378-la-caisse-des-depots-accompagnera-la-creation-de-13-ecoles-de-production-",
        description=(
            "Prêt subordonné sur 10 ans avec 3 ans de différé de remboursement, pour les équipements (machines-"
            "outils, fours, tours à bois…) ou le fonds de roulement. Premiers prêts (2018) : Évreux 200 000 €, "
            "Chalon-sur-Saône 130 000 €, ICAM Paris-Sénart 200 000 €. Taux, garanties et frais non publiés "
            "(taux 0 % par défaut dans le plan, à remplacer)."
        ),
        fields={
            "cost_base": CostBase.INVESTMENT,
            "expense_categories": [
                UseCategory.TOOLING.value,
                UseCategory.VEHICLES.value,
                UseCategory.IT.value,
                UseCategory.WORKING_CAPITAL.value,
            ],
            "project_stages": [ProjectStage.ACCREDITED, ProjectStage.FINANCING_PLAN],
            "requires_local_authority_grant": True,
            "other_conditions": (
                "Plan de financement validé par la FNEP, qui soumet le dossier à la Banque des Territoires."
            ),
            "plan_target": PlanTarget.INVESTMENT_SOURCE,
            "source_kind": SourceKind.BDT_SUBORDINATED_LOAN.value,
            "advance_share": D("1"),
            "loan_duration_months": 120,
            "loan_deferral_months": 36,
            "loan_annual_rate": D("0"),
        },
        envelopes=(
            EnvelopeSpec(
                "Enveloppe nationale BdT–FNEP 2018-2023 (prêts)",
                D("2500000"),
                date(2018, 9, 1),
                date(2023, 12, 31),
                demo=False,
                source_note="Annoncée en septembre 2018 : 2,5 M€ de prêts pour 13 nouvelles écoles sur 5 ans.",
            ),
            EnvelopeSpec(
                "Enveloppe Hauts-de-France 2025-2027 (prêts)",
                D("1000000"),
                date(2025, 1, 1),
                date(2027, 12, 31),
                demo=True,
            ),
        ),
    ),
    ProgrammeSpec(
        slug="bdt-ingenierie",
        name="Subvention d'ingénierie de la Banque des Territoires (amont du projet)",
        funder="bdt",
        kind=ProgrammeKind.ENGINEERING,
        source_url="https://agence-cohesion-territoires.gouv.fr/les-ecoles-de-production-un-appel-manifestation-dinteret-ouvert-jusquau-15-octobre-2021-527",
        description=(
            "Ingénierie en amont du projet (étude d'opportunité, montage), jusqu'à 50 000 € par projet (AMI Écoles "
            "de production 2021 ; Château-Thierry a reçu 50 000 €). L'enveloppe BdT–FNEP est décrite comme 80 % "
            "de prêts subordonnés et 20 % de subventions d'ingénierie."
        ),
        fields={
            "cost_base": CostBase.NONE,
            "ceiling_amount": D("50000"),
            "beneficiary_kinds": [BeneficiaryKind.SCHOOL_PROJECT],
            "project_stages": [
                ProjectStage.IDEA,
                ProjectStage.OPPORTUNITY_STUDY,
                ProjectStage.ACCREDITATION_PENDING,
                ProjectStage.ACCREDITED,
            ],
            "plan_target": PlanTarget.INVESTMENT_SOURCE,
            "source_kind": SourceKind.BDT_ENGINEERING_GRANT.value,
            "advance_share": D("0.5"),
            "balance_delay_months": 3,
        },
        envelopes=(
            EnvelopeSpec(
                "Ingénierie Hauts-de-France 2025-2027", D("300000"), date(2025, 1, 1), date(2027, 12, 31), demo=True
            ),
        ),
    ),
    ProgrammeSpec(
        slug="etat-ami-investissement",
        name="AMI Écoles de production – subvention d'investissement industriel (France Relance)",
        funder="state",
        kind=ProgrammeKind.INVESTMENT_GRANT,
        source_url="https://elisabeth-toutut-picard.fr/lancement-dun-appel-a-manifestation-dinteret-pour-de-nouvelles-ecoles-de-production-dans-les-territoires",
        description=(
            "Fonds d'accélération des investissements industriels (Territoires d'industrie) : jusqu'à 50 % des "
            "investissements industriels (plateaux techniques), plafonné à 800 000 €. Appel ouvert jusqu'au "
            "15 octobre 2021 ; 34 lauréats annoncés le 23 novembre 2021."
        ),
        fields={
            "cost_base": CostBase.INVESTMENT,
            "expense_categories": [UseCategory.TOOLING.value, UseCategory.PREMISES_WORKS.value],
            "max_rate": D("0.50"),
            "ceiling_amount": D("800000"),
            "closes_on": date(2021, 10, 15),
            "plan_target": PlanTarget.INVESTMENT_SOURCE,
            "source_kind": SourceKind.STATE_GRANT.value,
            "advance_share": D("0.5"),
            "balance_delay_months": 3,
        },
    ),
    ProgrammeSpec(
        slug="fse-plus-os-4-6",
        name="FSE+ Hauts-de-France – OS 4.6 « renforcement des dispositifs de raccrochage »",
        funder="region",
        kind=ProgrammeKind.OPERATING_GRANT,
        source_url="https://europe-en-hautsdefrance.eu/fse-os-46-action-renforcement-des-dispositifs-de-raccrochage-de-tous-les-jeunes-lyceens-apprentis-etudiants",
        description=(
            "Programme FEDER-FSE+-FTJ 2021-2027 (autorité de gestion : la Région ; FSE+ : 232 447 433 € de l'UE, "
            "370 201 713 € de dépenses publiques). Public : jeunes de moins de 30 ans résidant en Hauts-de-France "
            "en difficulté dans leur parcours. Rembourse seulement des dépenses justifiées et payées : acomptes "
            "à partir de 30 % des dépenses réalisées. Taux de 60 % : repère du Grand Est, non confirmé pour les "
            "Hauts-de-France."
        ),
        fields={
            "cost_base": CostBase.OPERATING,
            "expense_categories": SALARIES,
            "max_rate": D("0.60"),
            "opens_on": date(2021, 1, 1),
            "closes_on": date(2027, 12, 31),
            "reimburses_paid_expenses_only": True,
            "other_conditions": (
                "Déclarer l'intention de candidater avant le début de l'opération ; selon la consommation de "
                "l'enveloppe, appels à projets sélectifs ; taux maximal fixé par le DOMO de l'action."
            ),
            "plan_target": PlanTarget.EU_OPERATING_GRANT,
            "eu_fund": "fse_plus",
            "claim_threshold": D("0.30"),
            "claim_interval_months": 6,
            "balance_delay_months": 12,
        },
        envelopes=(
            EnvelopeSpec(
                "OS 4.6 – part des écoles de production 2021-2027",
                D("2000000"),
                date(2021, 1, 1),
                date(2027, 12, 31),
                demo=True,
            ),
        ),
    ),
    ProgrammeSpec(
        slug="feder-equipements",
        name="FEDER Hauts-de-France 2021-2027 – équipements de formation",
        funder="region",
        kind=ProgrammeKind.INVESTMENT_GRANT,
        source_url="https://ec.europa.eu/regional_policy/in-your-country/programmes/2021-2027/fr/2021fr16ffpr010_en",
        description=(
            "FEDER du programme Hauts-de-France 2021-2027 (897 423 853 € de l'UE, 1 749 502 243 € de dépenses "
            "publiques). Rembourse des dépenses payées, hors TVA récupérable et frais financiers. Taux maximal "
            "de l'action non publié : 60 % par défaut, à confirmer dans le DOMO."
        ),
        fields={
            "cost_base": CostBase.INVESTMENT,
            "expense_categories": [UseCategory.TOOLING.value, UseCategory.PREMISES_WORKS.value, UseCategory.IT.value],
            "excludes_recoverable_vat": True,
            "max_rate": D("0.60"),
            "opens_on": date(2021, 1, 1),
            "closes_on": date(2027, 12, 31),
            "reimburses_paid_expenses_only": True,
            "other_conditions": "Déclarer l'intention de candidater avant le début de l'opération.",
            "plan_target": PlanTarget.INVESTMENT_SOURCE,
            "source_kind": SourceKind.FEDER.value,
            "claim_threshold": D("0.30"),
            "claim_interval_months": 6,
            "balance_delay_months": 12,
        },
        envelopes=(
            EnvelopeSpec(
                "FEDER – équipements des écoles de production 2021-2027",
                D("1500000"),
                date(2021, 1, 1),
                date(2027, 12, 31),
                demo=True,
            ),
        ),
    ),
    ProgrammeSpec(
        slug="region-investissement",
        name="Région Hauts-de-France – aide à l'investissement des écoles de production",
        funder="region",
        kind=ProgrammeKind.INVESTMENT_GRANT,
        source_url="https://www.picardiegazette.fr/article/de-nouvelles-ecoles-de-production-dans-la-region",
        description=(
            "Convention Région – Banque des Territoires – FNEP (décembre 2020) pour de nouvelles écoles en "
            "automobile, menuiserie et métallerie. Aucune règle de taux publiée pour les Hauts-de-France : le "
            "taux de 50 % reprend le haut de la fourchette normande (30 à 50 % des équipements pédagogiques)."
        ),
        fields={
            "cost_base": CostBase.INVESTMENT,
            "expense_categories": [UseCategory.TOOLING.value, UseCategory.PREMISES_WORKS.value],
            "max_rate": D("0.50"),
            "project_stages": BEFORE_OPENING,
            "plan_target": PlanTarget.INVESTMENT_SOURCE,
            "source_kind": SourceKind.REGION_GRANT.value,
            "advance_share": D("0.5"),
            "balance_delay_months": 6,
        },
        envelopes=(
            EnvelopeSpec(
                "Investissement écoles de production 2026", D("600000"), date(2026, 1, 1), date(2026, 12, 31), demo=True
            ),
        ),
    ),
    ProgrammeSpec(
        slug="region-fonctionnement",
        name="Région Hauts-de-France – soutien au fonctionnement des écoles de production",
        funder="region",
        kind=ProgrammeKind.OPERATING_GRANT,
        source_url="https://evreuxportesdenormandie.fr/actualite/453/2-la-1ere-ecole-de-production-de-l-eure-ouvre-a-evreux.htm",
        description=(
            "Aucune règle publiée pour les Hauts-de-France. Repère : en Normandie, la Région couvre 33 % des "
            "besoins de fonctionnement des écoles de production (2018) et leur a promis 1,5 M€ par an (2021). "
            "Le taux de 33 % est ce repère, non confirmé pour les Hauts-de-France. Versement : 50 % au début "
            "de l'année scolaire, le solde 6 mois après sa fin (hypothèse)."
        ),
        fields={
            "cost_base": CostBase.OPERATING,
            "max_rate": D("0.33"),
            "project_stages": [*BEFORE_OPENING, ProjectStage.FUNDING_SECURED, ProjectStage.OPEN],
            "plan_target": PlanTarget.OPERATING_GRANT,
            "advance_share": D("0.5"),
            "balance_delay_months": 6,
        },
        envelopes=(
            EnvelopeSpec(
                "Fonctionnement des écoles de production 2026",
                D("1500000"),
                date(2026, 1, 1),
                date(2026, 12, 31),
                demo=True,
            ),
        ),
    ),
    ProgrammeSpec(
        slug="etat-subvention-par-jeune",
        name="Subvention de l'État aux écoles de production (convention avec la FNEP)",
        funder="state",
        kind=ProgrammeKind.PER_LEARNER_GRANT,
        source_url="https://www.assemblee-nationale.fr/dyn/15/amendements/4482C/AN/2173",
        description=(
            "Ministère du Travail (programme 103), versée par la convention pluriannuelle avec la FNEP. Aucun "
            "forfait par élève officiel : 5 500 € par jeune et par an est dérivé de 2022 (7,5 M€ pour 1 366 "
            "élèves). Seulement pour une école reconnue et une année scolaire complète."
        ),
        fields={
            "cost_base": CostBase.PER_YOUTH,
            "amount_per_youth": D("5500"),
            "from_school_year": 2,
            "beneficiary_kinds": [BeneficiaryKind.OPEN_SCHOOL],
            "other_conditions": "École reconnue par l'État, après une année scolaire complète.",
            "plan_target": PlanTarget.STATE_SUBSIDY_PER_YOUTH,
            "advance_share": D("0.5"),
            "balance_delay_months": 3,
        },
        envelopes=(
            EnvelopeSpec(
                "Crédits nationaux 2022",
                D("7500000"),
                date(2022, 1, 1),
                date(2022, 12, 31),
                demo=False,
                source_note="Crédits 2022 : 7,5 M€ pour 46 écoles et 1 366 élèves (amendement au budget 2022).",
            ),
            EnvelopeSpec(
                "Crédits nationaux 2025 (projet de loi de finances)",
                D("15500000"),
                date(2025, 1, 1),
                date(2025, 12, 31),
                demo=False,
                source_note="Projet de loi de finances 2025 : 15,5 M€, le double de 2022.",
            ),
            EnvelopeSpec("Crédits nationaux 2026", D("15500000"), date(2026, 1, 1), date(2026, 12, 31), demo=True),
        ),
    ),
    ProgrammeSpec(
        slug="taxe-apprentissage",
        name="Solde de la taxe d'apprentissage affecté par les entreprises",
        funder="companies",
        kind=ProgrammeKind.OPERATING_GRANT,
        source_url="https://senat.fr/questions/base/2019/qSEQ191113321.html",
        description=(
            "Les entreprises affectent le solde de leur taxe d'apprentissage aux écoles de production : 5,1 M€ "
            "en 2019 pour le réseau (+37 %) ; 20 à 25 % des ressources des écoles en 2012. Montant à négocier "
            "école par école."
        ),
        fields={"cost_base": CostBase.NONE, "plan_target": PlanTarget.APPRENTICESHIP_TAX},
    ),
    ProgrammeSpec(
        slug="fondations-mecenat",
        name="Fondations et mécénat d'entreprises – outillage et démarrage",
        funder="foundations",
        kind=ProgrammeKind.PATRONAGE,
        source_url="http://fondation-edc.org/942-2/",
        description=(
            "Fondations d'entreprise et mécènes : l'EPAL (Lens) a reçu 30 000 € de la Fondation EDC et l'appui de "
            "la fondation du Crédit Agricole pour son outillage. Montants au cas par cas."
        ),
        fields={
            "cost_base": CostBase.NONE,
            "other_conditions": (
                "Projet présenté à chaque fondation selon ses propres priorités (outillage, démarrage)."
            ),
            "plan_target": PlanTarget.INVESTMENT_SOURCE,
            "source_kind": SourceKind.FOUNDATION.value,
            "advance_share": D("1"),
        },
    ),
)


def _funder(key: str, created: dict) -> Organization:
    kind, name = FUNDERS[key]
    if key in REUSED_BY_KIND:
        organization = Organization.objects.filter(kind=kind).order_by("pk").first()
        if organization is not None:
            return organization
    organization, was_created = Organization.objects.get_or_create(name=name, defaults={"kind": kind})
    if was_created:
        created["organisations"] = created.get("organisations", 0) + 1
    return organization


@transaction.atomic
def catalogue_load() -> dict[str, int]:
    """Create or update the seeded programmes and envelopes; returns counts of what was created."""
    created: dict[str, int] = {"dispositifs": 0, "enveloppes": 0}
    updated = 0
    for spec in CATALOGUE:
        funder = _funder(spec.funder, created)
        values = {
            "name": spec.name,
            "funder": funder,
            "kind": spec.kind,
            "source_url": spec.source_url,
            "description": spec.description,
            **spec.fields,
        }
        programme = FundingProgramme.objects.filter(slug=spec.slug).first()
        if programme is None:
            programme = FundingProgramme(slug=spec.slug, **values)
            created["dispositifs"] += 1
        else:
            changed = [name for name, value in values.items() if getattr(programme, name) != value]
            for name in changed:
                setattr(programme, name, values[name])
            if not changed:
                programme = _save_envelopes(programme, spec, created)
                continue
            updated += 1
        programme.full_clean()
        programme.save()
        _save_envelopes(programme, spec, created)
    created["dispositifs mis à jour"] = updated
    return created


def _save_envelopes(programme, spec: ProgrammeSpec, created: dict) -> FundingProgramme:
    for envelope_spec in spec.envelopes:
        envelope = BudgetEnvelope.objects.filter(programme=programme, label=envelope_spec.label).first()
        if envelope is None:
            envelope = BudgetEnvelope(programme=programme, label=envelope_spec.label)
            created["enveloppes"] += 1
        values = {
            "allocated_amount": envelope_spec.amount,
            "start_date": envelope_spec.start,
            "end_date": envelope_spec.end,
            "is_demo_figure": envelope_spec.demo,
            "source_note": envelope_spec.source_note,
        }
        if envelope.pk is not None and all(getattr(envelope, k) == v for k, v in values.items()):
            continue
        for name, value in values.items():
            setattr(envelope, name, value)
        envelope.full_clean()
        envelope.save()
    return programme
