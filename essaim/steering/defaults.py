"""The programme's objectives as published, seeded by a data migration and by the demo (idempotent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

# (key label, fields). Sources: /work/shared/docs/domain.md §0 and §5.2 (see docs/steering.md).
DEFAULT_OBJECTIVES = [
    {
        "label": "5 écoles de production ouvertes en Hauts-de-France au 31/12/2023",
        "metric": "schools_open",
        "scope": "region",
        "target_value": Decimal(5),
        "due_date": dt.date(2023, 12, 31),
        "baseline_date": dt.date(2020, 12, 16),
        "start_date": dt.date(2020, 12, 16),
        "source_text": (
            "Engagement de la Région Hauts-de-France, de la Banque des Territoires et de la Fédération nationale "
            "des écoles de production, Lille, 16 décembre 2020 : faire émerger de nouvelles écoles de production "
            "dans la région (automobile, menuiserie, métallerie), cinq d'ici 2023. Sont comptées les écoles "
            "ouvertes depuis cet engagement."
        ),
        "source_url": "https://www.picardiegazette.fr/article/de-nouvelles-ecoles-de-production-dans-la-region",
        "position": 1,
    },
    {
        "label": "100 écoles de production en France (objectif du réseau FNEP)",
        "metric": "schools_open",
        "scope": "national",
        "target_value": Decimal(100),
        "due_date": dt.date(2028, 12, 31),
        "baseline_date": None,
        "start_date": dt.date(2021, 1, 1),
        "source_text": (
            "Objectif du réseau : 100 écoles de production, d'abord pour 2025-2026 (AMI de 2021), puis pour 2028 "
            "à raison d'une dizaine d'ouvertures par an. Essaim ne connaît que les écoles des Hauts-de-France : "
            "la valeur affichée est la contribution de la région."
        ),
        "source_url": (
            "https://www.info-chalon.com/articles/2023/12/03/85644/"
            "l-ecole-de-production-de-chalon-sur-saone-poursuit-son-chemin-tout-en-ne-manquant-pas-de-projets/"
        ),
        "position": 2,
    },
]


def seed_default_objectives(objective_model) -> int:
    """Create the published objectives that are missing (matched by label); returns how many were created.
    Existing rows are left as the partners edited them."""
    created = 0
    for spec in DEFAULT_OBJECTIVES:
        known = {field.name for field in objective_model._meta.get_fields()}  # older migrations lack later fields
        fields = {key: value for key, value in spec.items() if key != "label" and key in known}
        _, was_created = objective_model.objects.get_or_create(label=spec["label"], defaults=fields)
        created += was_created
    return created
