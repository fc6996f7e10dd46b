"""Filters shared by the lists: what the pages filter on (updated since, territory)."""

from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema

from essaim.api.schemas import QueryDateTime


class UpdatedSince(FilterSchema):
    updated_since: Annotated[QueryDateTime | None, FilterLookup("updated_at__gte")] = Field(
        None, description="Modifiés depuis cette date et heure (ISO 8601), pour une synchronisation."
    )


def territory_filters(prefix: str):
    """Filters on the territory of a project (``prefix`` = the path to the project's commune)."""

    class TerritoryFilters(UpdatedSince):
        department: Annotated[str | None, FilterLookup(f"{prefix}__department__code")] = Field(
            None, max_length=3, description="Code INSEE du département (59, 62, 02, 60, 80)."
        )
        epci: Annotated[str | None, FilterLookup(f"{prefix}__epci__siren")] = Field(
            None, max_length=9, description="SIREN de l'EPCI."
        )
        commune: Annotated[str | None, FilterLookup(f"{prefix}__code")] = Field(
            None, max_length=5, description="Code INSEE de la commune."
        )

    return TerritoryFilters
