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
    return created
