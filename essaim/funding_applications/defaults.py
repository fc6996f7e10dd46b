"""Default kinds of documents of a dossier (data, editable in the admin), seeded by a data migration."""

BDT = "banque_des_territoires"
REGION = "region"
COLLECTIVITE = "collectivite"
OTHER = "other_funder"
ALL_FUNDERS = [BDT, REGION, COLLECTIVITE, OTHER]

DEFAULT_DOCUMENT_KINDS = [
    {
        "slug": "statuts",
        "name": "Statuts de la structure porteuse",
        "description": "Statuts signés et à jour (association, fondation…).",
        "required_for": ALL_FUNDERS,
        "position": 10,
    },
    {
        "slug": "budget-previsionnel",
        "name": "Budget prévisionnel",
        "description": "Budget de fonctionnement sur 3 à 5 ans, cohérent avec le plan de financement joint.",
        "required_for": ALL_FUNDERS,
        "position": 20,
    },
    {
        "slug": "devis",
        "name": "Devis des investissements",
        "description": "Devis des machines, de l'outillage et des travaux financés.",
        "required_for": [BDT, REGION],
        "position": 30,
    },
    {
        "slug": "lettre-engagement-collectivite",
        "name": "Lettre d'engagement d'une collectivité",
        "description": "Courrier ou délibération d'une collectivité (Région, département, EPCI, commune) "
        "sur sa subvention d'investissement.",
        "required_for": [BDT],
        "position": 40,
    },
    {
        "slug": "comptes",
        "name": "Derniers comptes approuvés",
        "description": "Bilan et compte de résultat du dernier exercice, s'il existe.",
        "required_for": [],
        "position": 50,
    },
    {
        "slug": "rib",
        "name": "Relevé d'identité bancaire",
        "description": "",
        "required_for": [],
        "position": 60,
    },
    {
        "slug": "autre",
        "name": "Autre pièce",
        "description": "",
        "required_for": [],
        "position": 90,
    },
]


def seed_default_document_kinds(model) -> int:
    """Create the missing default kinds (idempotent); returns how many were created."""
    created = 0
    for row in DEFAULT_DOCUMENT_KINDS:
        _, was_created = model.objects.get_or_create(slug=row["slug"], defaults=row)
        created += was_created
    return created
