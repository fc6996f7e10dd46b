"""Shared response schemas and helpers (amounts as decimal strings, French labels beside codes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import AfterValidator, Field, PlainSerializer

# Amounts: euros to the cent as exact decimal strings ("1234.50"), like the plan schema.
Amount = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="always"),
    Field(json_schema_extra={"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"}),
]


def amount_out(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


class Label(Schema):
    """A code and its French label."""

    code: str
    label: str


class OrganizationRef(Schema):
    uid: UUID
    name: str
    kind: str


class TerritoryRef(Schema):
    code: str = Field(description="Code INSEE (commune, département) ou SIREN (EPCI).")
    name: str


class Me(Schema):
    """Le jeton utilisé et ce qu'il permet."""

    token_name: str
    scope: str = Field(description="read (lecture) ou write (lecture et écriture).")
    expires_at: dt.datetime
    user_email: str
    organization: OrganizationRef
    role: str = Field(description="admin, member ou reader : le rôle dans l'organisation pour laquelle agit le jeton.")


# --- Safe scalar inputs: no value, however absurd, reaches the database as an error (no 500) -----------

MAX_ID = 2**63 - 1


def _reasonable_year(value):
    if value is not None and not 1900 <= value.year <= 2200:
        raise ValueError("L'année doit être comprise entre 1900 et 2200.")
    return value


def _clamp_date(value):
    """Query dates before 1900 or after 2200 mean « since ever » / « until the end »: clamp them (a year 1
    or 9999 with a time zone would overflow when converted to UTC)."""
    if value is None:
        return value
    if value.year < 1900:
        return value.replace(year=1900, month=1, day=1)
    if value.year > 2200:
        return value.replace(year=2200, month=12, day=31)
    return value


# Written dates (payments, conventions): outside 1900-2200 is an input error naming the field.
SafeDate = Annotated[dt.date, AfterValidator(_reasonable_year)]
# Dates and times in queries (filters, « à la date du »): clamped to 1900-2200.
QueryDate = Annotated[dt.date, AfterValidator(_clamp_date)]


def _clamp_datetime(value):
    """A query date and time, clamped like ``_clamp_date`` then given in UTC: an offset such as -21:00,
    which Python accepts, is refused by PostgreSQL (a 500, not an answer)."""
    value = _clamp_date(value)
    if value is not None and value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value


QueryDateTime = Annotated[dt.datetime, AfterValidator(_clamp_datetime)]
