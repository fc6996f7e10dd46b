"""The programme's trades (domain.md §0, §5.1, §7.2). More are added as data in the admin."""

DEFAULT_TRADES = [
    (
        "automobile",
        "Automobile",
        "Maintenance et réparation de véhicules, carrosserie (CAP maintenance des véhicules).",
    ),
    ("bois-menuiserie", "Bois et menuiserie", "Menuiserie, agencement, construction bois."),
    (
        "metallerie-chaudronnerie",
        "Métallerie, serrurerie et chaudronnerie",
        "Métallerie, serrurerie, chaudronnerie et soudage.",
    ),
    ("usinage", "Usinage", "Usinage et mécanique de précision (CAP conducteur d'installations de production)."),
    ("textile", "Textile et confection", "Couture et confection (CAP métiers de la mode)."),
]


# NAF rév. 2 codes (INSEE) of the firms that practise each trade: the prospection of a project's
# partners proposes them by default (editable per trade in the admin).
DEFAULT_ACTIVITY_CODES = {
    # Entretien et réparation de véhicules automobiles légers / autres ; fabrication d'équipements automobiles.
    "automobile": "45.20A, 45.20B, 29.32Z",
    # Charpentes et menuiseries ; meubles de cuisine ; autres meubles ; travaux de menuiserie bois et PVC.
    "bois-menuiserie": "16.23Z, 31.02Z, 31.09B, 43.32A",
    # Structures métalliques ; portes et fenêtres en métal ; réservoirs ; réparation d'ouvrages en métaux ;
    # menuiserie métallique et serrurerie.
    "metallerie-chaudronnerie": "25.11Z, 25.12Z, 25.29Z, 33.11Z, 43.32B",
    # Décolletage ; mécanique industrielle ; machines-outils ; réparation de machines.
    "usinage": "25.62A, 25.62B, 28.41Z, 33.12Z",
    # Vêtements de dessus ; de dessous ; autres vêtements ; articles textiles.
    "textile": "14.13Z, 14.14Z, 14.19Z, 13.92Z",
}


def seed_activity_codes(trade_model) -> int:
    """Fill the APE codes of the default trades that have none (never overwrites edits)."""
    updated = 0
    for slug, codes in DEFAULT_ACTIVITY_CODES.items():
        updated += trade_model.objects.filter(slug=slug, activity_codes="").update(activity_codes=codes)
    return updated


def seed_default_trades(trade_model) -> int:
    """Create the default trades that are missing (never overwrites edits); returns how many were created.

    Takes the model as a parameter so that the data migration can pass its historical model.
    """
    created = 0
    for slug, name, description in DEFAULT_TRADES:
        _, was_created = trade_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        created += was_created
    if "activity_codes" in {f.name for f in trade_model._meta.get_fields()}:
        seed_activity_codes(trade_model)
    return created
