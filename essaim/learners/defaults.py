"""The CAPs matching the programme's default trades, with their blocs de compétences as data.

The general blocs are those common to every CAP since the 2019 reform of the vocational route;
the professional blocs follow each CAP's référentiel. None has been checked against its France
compétences (RNCP) sheet in this version: every bloc is stored with ``is_verified=False`` and shown
« à vérifier » until someone checks it (docs/learners.md). Schools and FNEP can correct the wording
in the admin; new diplomas are data, not code.
"""

GENERAL_BLOCKS = [
    "Français, histoire-géographie et enseignement moral et civique",
    "Mathématiques et physique-chimie",
    "Prévention-santé-environnement",
    "Langue vivante étrangère",
    "Éducation physique et sportive",
]

# (code, name, trade slug, professional blocs)
DEFAULT_DIPLOMAS = [
    (
        "cap-conducteur-installations-production",
        "CAP Conducteur d'installations de production",
        "usinage",
        [
            "Préparation et lancement d'une production",
            "Conduite et surveillance d'une installation de production",
            "Contrôle de la qualité et maintenance de premier niveau",
        ],
    ),
    (
        "cap-realisations-industrielles-chaudronnerie-soudage",
        "CAP Réalisations industrielles en chaudronnerie ou soudage",
        "metallerie-chaudronnerie",
        [
            "Analyse et exploitation de données techniques",
            "Fabrication d'un ensemble chaudronné, tôlé ou soudé",
        ],
    ),
    (
        "cap-menuisier-fabricant",
        "CAP Menuisier fabricant",
        "bois-menuiserie",
        [
            "Analyse et exploitation de données techniques",
            "Fabrication d'un ouvrage de menuiserie",
            "Installation et finition d'un ouvrage",
        ],
    ),
    (
        "cap-maintenance-vehicules-voitures-particulieres",
        "CAP Maintenance des véhicules, option voitures particulières",
        "automobile",
        [
            "Réception et restitution du véhicule",
            "Maintenance périodique du véhicule",
            "Diagnostic et remise en conformité du véhicule",
        ],
    ),
    (
        "cap-metiers-de-la-mode-vetement-flou",
        "CAP Métiers de la mode – vêtement flou",
        "textile",
        [
            "Analyse et exploitation de données esthétiques et techniques",
            "Réalisation d'un vêtement",
        ],
    ),
]


def seed_default_diplomas(diploma_model, block_model, trade_model) -> int:
    """Create the default diplomas and their blocs when missing (never overwrites edits); returns how
    many diplomas were created. Takes the models as parameters for the data migration."""
    created = 0
    trades = {trade.slug: trade for trade in trade_model.objects.all()}
    for code, name, trade_slug, professional_blocks in DEFAULT_DIPLOMAS:
        diploma, was_created = diploma_model.objects.get_or_create(
            code=code, defaults={"name": name, "trade": trades.get(trade_slug)}
        )
        created += was_created
        if not was_created:
            continue
        for position, block_name in enumerate([*professional_blocks, *GENERAL_BLOCKS], start=1):
            block_model.objects.create(
                diploma=diploma, position=position, code=f"BC{position:02d}", name=block_name, is_verified=False
            )
    return created
