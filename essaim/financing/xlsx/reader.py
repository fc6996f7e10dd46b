"""Import of a filled-in workbook: only the input cells are read; every problem gets its sheet and cell.

Layout constants: :mod:`essaim.financing.xlsx.layout`; documentation: ``docs/plan-workbook.md``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.worksheet import Worksheet

from essaim.common.archives import WORKBOOK_LIMITS, ArchiveRefused, checked_zip
from essaim.financing.xlsx import layout as L
from essaim.financing.xlsx.layout import column_letter as _col
from essaim.financing.xlsx.layout import source_columns as _source_columns
from financing_engine import (
    EuFund,
    EuOperatingGrant,
    EuReimbursement,
    LoanTerms,
    OperatingPlan,
    OperatingTimings,
    OperatingYear,
    PaymentTerms,
    PlanInput,
    SourceKind,
    SourceLine,
    UseCategory,
    UseLine,
)
from financing_engine.dates import add_months, month_label
from financing_engine.validation import plan_errors

__all__ = ["MAX_ISSUES", "WorkbookError", "WorkbookIssue", "plan_from_xlsx"]

MAX_ISSUES = 50


@dataclass(frozen=True)
class WorkbookIssue:
    """A problem found in an imported workbook: sheet, cell (``"C7"``) and French reason."""

    sheet: str
    cell: str | None
    message: str

    def __str__(self) -> str:
        where = f"Feuille « {self.sheet} »"
        if self.cell:
            where += f", cellule {self.cell}"
        return f"{where} : {self.message}"


class WorkbookError(Exception):
    """The workbook cannot be imported; ``issues`` lists every problem found (up to 50)."""

    def __init__(self, issues: Iterable[WorkbookIssue]) -> None:
        self.issues: list[WorkbookIssue] = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_AMBIGUOUS = re.compile(r"-?[1-9]\d{0,2}\.\d{3}")


class _Failed(Exception):
    """A cell could not be read (the issue is already recorded)."""


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split()).casefold()


def _show(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return repr(value).removesuffix(".0").replace(".", ",")
    return str(value)


def _parse_number(raw: Any, *, percent: bool) -> Decimal:
    """Decimal from a cell value; text such as « 1 200,50 € » or « 12 % » is accepted. Raises ValueError(msg)."""
    if isinstance(raw, bool):
        raise ValueError(f"nombre attendu, trouvé « {'VRAI' if raw else 'FAUX'} ».")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueError("nombre attendu, trouvé une valeur non numérique.")
        return Decimal(repr(raw))
    if isinstance(raw, datetime | date):
        raise ValueError(f"nombre attendu, trouvé la date {_show(raw)}.")
    if not isinstance(raw, str):
        raise ValueError(f"nombre attendu, trouvé « {raw} ».")
    text = raw.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2212", "-").strip()
    is_percent = False
    if text.endswith("%"):
        is_percent, text = True, text[:-1].strip()
    for suffix in ("€", "EUR", "eur"):
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
    compact = text.replace(" ", "")
    if "," in compact and "." in compact:
        raise ValueError(f"nombre ambigu « {raw} » : utilisez la virgule comme séparateur décimal, sans point.")
    if _AMBIGUOUS.fullmatch(compact):
        raise ValueError(f"nombre ambigu « {raw} » : écrivez par exemple « 1200 » ou « 1,2 ».")
    compact = compact.replace(",", ".")
    if not _NUMBER.fullmatch(compact):
        raise ValueError(f"nombre attendu, trouvé le texte « {raw} ».")
    value = Decimal(compact)
    if is_percent:
        if not percent:
            raise ValueError(f"montant attendu, trouvé un pourcentage « {raw} ».")
        value /= 100
    return value


_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def _parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 1 <= raw < 2958466:
        converted = from_excel(raw)
        if isinstance(converted, datetime):
            return converted.date()
    if isinstance(raw, str):
        text = raw.strip()
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise ValueError(f"date attendue au format jj/mm/aaaa, trouvé « {_show(raw)} ».")


@dataclass
class _Context:
    start: date | None = None
    months: int | None = None  # None when the horizon is invalid
    horizon: int | None = None


class _Reader:
    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.issues: list[WorkbookIssue] = []
        self.locations: dict[str, tuple[str, str | None]] = {}
        self.failed: set[str] = set()
        self.context = _Context()

    # ---------------------------------------------------------------- bookkeeping
    def issue(self, sheet: str, cell: str | None, message: str) -> None:
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(WorkbookIssue(sheet, cell, message))

    def sheet(self, name: str) -> Worksheet | None:
        for ws in self.workbook.worksheets:
            if _normalise(ws.title) == _normalise(name):
                return ws
        self.issue(name, None, "feuille absente du classeur ; elle est nécessaire à l'import (ne la renommez pas).")
        return None

    def expect_label(self, ws: Worksheet, row: int, col: int, expected: str, *, prefix: bool = False) -> bool:
        value = ws.cell(row=row, column=col).value
        found = _normalise(value) if isinstance(value, str) else ""
        wanted = _normalise(expected)
        if found == wanted or (prefix and found.startswith(wanted)):
            return True
        shown = f"« {value} »" if value not in (None, "") else "une cellule vide"
        self.issue(ws.title, f"{_col(col)}{row}", f"en-tête « {expected} » attendu, trouvé {shown}.")
        return False

    # ---------------------------------------------------------------- cells
    def raw(self, ws: Worksheet, row: int, col: int) -> Any:
        cell = ws.cell(row=row, column=col)
        value = cell.value
        if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=") and cell.data_type != "s"):
            shown = value if isinstance(value, str) else "formule matricielle"
            raise ValueError(f"formule dans une cellule de saisie (« {shown} ») : saisissez une valeur.")
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def is_blank(self, ws: Worksheet, row: int, cols: Iterable[int]) -> bool:
        for col in cols:
            cell = ws.cell(row=row, column=col)
            if cell.data_type == "f":
                return False
            if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip()):
                return False
        return True

    def read(self, ws: Worksheet, row: int, col: int, item: L.Field, path: str, default: Any = None) -> Any:
        """Typed value of an input cell (``default`` when blank); records the issue and raises _Failed."""
        coordinate = f"{_col(col)}{row}"
        self.locations[path] = (ws.title, coordinate)
        try:
            raw = self.raw(ws, row, col)
            return self._convert(raw, item, default)
        except ValueError as error:
            self.issue(ws.title, coordinate, str(error))
            self.failed.add(path)
            raise _Failed from None

    def _convert(self, raw: Any, item: L.Field, default: Any) -> Any:
        kind = item.kind
        if raw is None:
            if default is _REQUIRED:
                raise ValueError("valeur obligatoire.")
            return default
        if kind is L.Kind.TEXT:
            if isinstance(raw, float) and raw.is_integer():
                return str(int(raw))
            return _show(raw) if isinstance(raw, datetime | date) else str(raw)
        if kind in (L.Kind.AMOUNT, L.Kind.NUMBER):
            return _parse_number(raw, percent=False)
        if kind is L.Kind.SHARE:
            return _parse_number(raw, percent=True)
        if kind in (L.Kind.INT, L.Kind.YEAR):
            try:
                number = _parse_number(raw, percent=False)
            except ValueError:
                raise ValueError(f"nombre entier attendu, trouvé « {_show(raw)} ».") from None
            if number.copy_abs() > _MAX_INTEGER:
                raise ValueError("nombre entier beaucoup trop grand.")
            if number != number.to_integral_value():
                raise ValueError(f"nombre entier attendu, trouvé « {_show(raw)} ».")
            value = int(number)
            if kind is L.Kind.YEAR:
                horizon = self.context.horizon
                if horizon is not None and not 1 <= value <= horizon:
                    raise ValueError(f"année hors de l'horizon du plan : de 1 à {horizon} (reçu : {value}).")
                return value - 1
            return value
        if kind is L.Kind.DATE:
            return _parse_date(raw)
        if kind is L.Kind.MONTH:
            day = _parse_date(raw)
            start = self.context.start
            if start is None:
                raise ValueError("date non interprétable tant que la date de début du plan est invalide.")
            index = (day.year - start.year) * 12 + day.month - start.month
            months = self.context.months
            if months is not None and not 0 <= index < months:
                raise ValueError(
                    f"date hors de l'horizon du plan : le {day:%d/%m/%Y} n'est pas entre "
                    f"{month_label(start)} et {month_label(add_months(start, months - 1))}."
                )
            return index
        if kind is L.Kind.BOOL:
            if isinstance(raw, bool):
                return raw
            text = _normalise(str(raw))
            if text in ("oui", "o", "vrai", "true", "yes", "x", "1"):
                return True
            if text in ("non", "n", "faux", "false", "no", "0"):
                return False
            raise ValueError(f"« oui » ou « non » attendu, trouvé « {_show(raw)} ».")
        if kind is L.Kind.ENUM:
            assert item.labels is not None
            return _lookup(raw, item.labels)
        if kind is L.Kind.EXPENSES:
            parts = [part for part in str(raw).split(";") if part.strip()]
            return tuple(_lookup(part, L.EXPENSE_LABELS) for part in parts)
        raise AssertionError(kind)  # pragma: no cover


_REQUIRED = object()
_MAX_INTEGER = Decimal(10**9)  # far above any count or month of a plan (financing_engine.limits)


def _lookup(raw: Any, labels: dict[Any, str]) -> Any:
    text = _normalise(str(raw))
    for member, label in labels.items():
        if text in (_normalise(label), member.value):
            return member
    allowed = " ; ".join(f"« {label} »" for label in labels.values())
    raise ValueError(f"libellé inconnu « {str(raw).strip()} » ; valeurs possibles : {allowed}.")


def _attempt(fn: Callable[[], Any], fallback: Any) -> Any:
    try:
        return fn()
    except _Failed:
        return fallback


def plan_from_xlsx(data: bytes | BinaryIO) -> PlanInput:
    """Read a workbook exported by :func:`plan_to_xlsx` (possibly edited) back into a plan.

    Only the input cells of the documented layout are read; every formula cell
    is ignored. Every problem — missing
    sheet, renamed header, text in a number cell, unknown label, value refused
    by the engine's validation (negative amount, loan beyond 30 years, rate
    outside 0–20 %, date outside the horizon…) — is collected (up to 50) and
    raised together as :class:`WorkbookError`, each with its sheet and cell.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    name = Path(getattr(stream, "name", "") or "classeur.xlsx").name
    try:
        # The workbook is a zip: its entries, sizes and ratio are checked (by its central directory, nothing
        # unpacked) before openpyxl unpacks any part of it (issue #12: a small file can unpack to gigabytes).
        checked_zip(stream, name=name, limits=WORKBOOK_LIMITS).close()  # leaves ``stream`` open
    except ArchiveRefused as error:
        raise WorkbookError([WorkbookIssue("classeur", None, str(error))]) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
    ):  # not a zip: openpyxl says so below, in the same words as any unreadable file
        pass
    try:
        stream.seek(0)
        workbook = load_workbook(stream, data_only=False)
    except Exception:  # zip, XML or format errors from openpyxl: their text is technical, never shown
        raise WorkbookError(
            [
                WorkbookIssue(
                    "classeur",
                    None,
                    "fichier illisible : ce n'est pas un classeur Excel .xlsx valide (enregistrez-le au format "
                    "« Classeur Excel (.xlsx) » puis importez-le de nouveau).",
                )
            ]
        ) from None
    reader = _Reader(workbook)
    parameters = reader.sheet(L.PARAMETERS)
    sheets = {name: reader.sheet(name) for name in (L.USES, L.SOURCES, L.OPERATING, L.EU_GRANTS)}
    if parameters is None:
        raise WorkbookError(reader.issues)
    values = _read_parameters(reader, parameters)
    uses = _read_uses(reader, sheets[L.USES]) if sheets[L.USES] is not None else ()
    sources = _read_sources(reader, sheets[L.SOURCES]) if sheets[L.SOURCES] is not None else ()
    years = _read_operating(reader, sheets[L.OPERATING]) if sheets[L.OPERATING] is not None else ()
    grants = _read_eu_grants(reader, sheets[L.EU_GRANTS]) if sheets[L.EU_GRANTS] is not None else ()
    if any(sheet is None for sheet in sheets.values()):
        raise WorkbookError(reader.issues)
    plan = PlanInput(
        name=values["name"],
        start_date=values["start_date"],
        horizon_years=values["horizon_years"],
        uses=uses,
        sources=sources,
        operating=OperatingPlan(years=years, timings=values["timings"], eu_grants=grants),
        opening_month=values["opening_month"],
        opening_cash=values["opening_cash"],
        cash_floor=values["cash_floor"],
        working_capital_loan=values["working_capital_loan"],
    )
    for problem in plan_errors(plan):
        if _is_failed(problem.field, reader.failed):
            continue
        sheet, cell = _locate(problem.field, reader.locations)
        message = problem.message[:1].lower() + problem.message[1:]
        reader.issue(sheet, cell, message)
    if reader.issues:
        raise WorkbookError(reader.issues)
    return plan


def _prefixes(path: str) -> list[str]:
    result = [path]
    while True:
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            return result
        path = path[:cut]
        result.append(path)


def _is_failed(path: str, failed: set[str]) -> bool:
    return any(prefix in failed for prefix in _prefixes(path))


def _locate(path: str, locations: dict[str, tuple[str, str | None]]) -> tuple[str, str | None]:
    for prefix in _prefixes(path):
        if prefix in locations:
            return locations[prefix]
    return L.PARAMETERS, None


def _read_terms(
    reader: _Reader,
    ws: Worksheet,
    cells: list[tuple[int, int]],
    items: Iterable[L.Field],
    path: str,
    cls: type,
    defaults: Any,
    *,
    optional: bool,
) -> Any:
    """Read a terms dataclass from ``cells`` (one per item); None if optional and every cell is blank."""
    items = list(items)
    if optional and all(reader.is_blank(ws, row, [col]) for row, col in cells):
        if cells:
            reader.locations[path] = (ws.title, f"{_col(cells[0][1])}{cells[0][0]}")
        return None
    kwargs: dict[str, Any] = {}
    for (row, col), item in zip(cells, items, strict=True):
        default = getattr(defaults, item.name)
        kwargs[item.name] = _attempt(
            lambda row=row, col=col, item=item, default=default: reader.read(
                ws, row, col, item, f"{path}.{item.name}", default
            ),
            default,
        )
    if path not in reader.locations and cells:
        reader.locations[path] = (ws.title, f"{_col(cells[0][1])}{cells[0][0]}")
    return cls(**kwargs)


def _read_parameters(reader: _Reader, ws: Worksheet) -> dict[str, Any]:
    fallback_start = date(2000, 1, 1)
    reader.expect_label(ws, L.PARAM_HEADER_ROW, 2, "Valeur")
    values: dict[str, Any] = {}
    defaults = {
        "name": "",
        "start_date": _REQUIRED,
        "horizon_years": _REQUIRED,
        "opening_month": None,
        "opening_cash": Decimal(0),
        "cash_floor": Decimal(0),
        "sales_collection_delay_months": OperatingTimings().sales_collection_delay_months,
        "apprenticeship_tax_calendar_month": OperatingTimings().apprenticeship_tax_calendar_month,
    }
    paths = {
        "sales_collection_delay_months": "operating.timings.sales_collection_delay_months",
        "apprenticeship_tax_calendar_month": "operating.timings.apprenticeship_tax_calendar_month",
    }
    for key in ("name", "start_date", "horizon_years"):
        row, item = L.PARAM_FIELDS_ROWS[key]
        reader.expect_label(ws, row, 1, item.header)
        values[key] = _attempt(
            lambda row=row, item=item, key=key: reader.read(ws, row, 2, item, key, defaults[key]), None
        )
    start = values["start_date"]
    horizon = values["horizon_years"]
    reader.context.start = start
    if isinstance(horizon, int) and 3 <= horizon <= 7:
        reader.context.horizon = horizon
        reader.context.months = 12 * horizon
    if start is None:
        values["start_date"] = fallback_start
    if horizon is None:
        values["horizon_years"] = 0
    # opening month: must fall in the first school year
    row, item = L.PARAM_FIELDS_ROWS["opening_month"]
    reader.expect_label(ws, row, 1, item.header)
    opening = _attempt(lambda: reader.read(ws, row, 2, item, "opening_month", 0), 0)
    if start is not None and not 0 <= opening <= 11 and "opening_month" not in reader.failed:
        reader.issue(
            ws.title,
            f"B{row}",
            f"le mois d'arrivée de la première promotion doit se situer dans la première année scolaire "
            f"(de {month_label(start)} à {month_label(add_months(start, 11))}).",
        )
        reader.failed.add("opening_month")
        opening = 0
    values["opening_month"] = opening
    for key in ("opening_cash", "cash_floor", "sales_collection_delay_months", "apprenticeship_tax_calendar_month"):
        row, item = L.PARAM_FIELDS_ROWS[key]
        reader.expect_label(ws, row, 1, item.header)
        path = paths.get(key, key)
        values[key] = _attempt(
            lambda row=row, item=item, key=key, path=path: reader.read(ws, row, 2, item, path, defaults[key]),
            defaults[key],
        )

    default_timings = OperatingTimings()
    timing_terms: dict[str, PaymentTerms] = {}
    for offset, item in enumerate(L.PAYMENT_FIELDS):
        reader.expect_label(ws, L.TIMINGS_HEADER_ROW, 2 + offset, item.header)
    for key, (row, text) in L.TIMINGS_ROWS.items():
        reader.expect_label(ws, row, 1, text)
        cells = [(row, 2 + offset) for offset in range(len(L.PAYMENT_FIELDS))]
        timing_terms[key] = _read_terms(
            reader, ws, cells, L.PAYMENT_FIELDS, f"operating.timings.{key}", PaymentTerms,
            getattr(default_timings, key), optional=False,
        )  # fmt: skip
    values["timings"] = OperatingTimings(
        sales_collection_delay_months=values.pop("sales_collection_delay_months"),
        apprenticeship_tax_calendar_month=values.pop("apprenticeship_tax_calendar_month"),
        **timing_terms,
    )
    for offset, item in enumerate(L.LOAN_FIELDS):
        reader.expect_label(ws, L.WC_LOAN_FIRST_ROW + offset, 1, item.header)
    cells = [(L.WC_LOAN_FIRST_ROW + offset, 2) for offset in range(len(L.LOAN_FIELDS))]
    values["working_capital_loan"] = _read_terms(
        reader, ws, cells, L.LOAN_FIELDS, "working_capital_loan", LoanTerms, LoanTerms(), optional=True
    )
    return values


def _table_rows(reader: _Reader, ws: Worksheet, total_label: str | None, input_cols: int) -> list[int]:
    """Rows of a table between the header and its total row (blank rows dropped)."""
    last = ws.max_row
    if total_label is not None:
        wanted = _normalise(total_label)
        for row in range(L.TABLE_FIRST_ROW, ws.max_row + 1):
            value = ws.cell(row=row, column=1).value
            if isinstance(value, str) and _normalise(value) == wanted:
                last = row - 1
                break
        else:
            reader.issue(
                ws.title,
                None,
                f"ligne « {total_label} » introuvable en colonne A : ne supprimez pas la ligne de total.",
            )
            return []
    return [row for row in range(L.TABLE_FIRST_ROW, last + 1) if not reader.is_blank(ws, row, range(1, input_cols + 1))]


def _check_headers(reader: _Reader, ws: Worksheet, items: Iterable[L.Field]) -> None:
    for col, item in enumerate(items, start=1):
        reader.expect_label(ws, L.TABLE_HEADER_ROW, col, item.header)


def _read_row(reader: _Reader, ws: Worksheet, row: int, columns: list[tuple[int, L.Field]], path: str,
              defaults: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    values: dict[str, Any] = {}
    for col, item in columns:
        fallback = defaults[item.name]
        values[item.name] = _attempt(
            lambda col=col, item=item, fallback=fallback: reader.read(
                ws, row, col, item, f"{path}.{item.name}", fallback
            ),
            None if fallback is _REQUIRED else fallback,
        )
    return values


def _read_uses(reader: _Reader, ws: Worksheet) -> tuple[UseLine, ...]:
    _check_headers(reader, ws, L.USE_FIELDS)
    defaults = {f.name: f.default for f in fields(UseLine)} | {"category": _REQUIRED, "label": "", "amount": Decimal(0)}
    columns = list(enumerate(L.USE_FIELDS, start=1))
    uses = []
    for i, row in enumerate(_table_rows(reader, ws, L.USES_TOTAL_LABEL, len(L.USE_FIELDS))):
        path = f"uses[{i}]"
        reader.locations[path] = (ws.title, f"A{row}")
        values = _read_row(reader, ws, row, columns, path, defaults)
        values["category"] = values["category"] or UseCategory.TOOLING
        uses.append(UseLine(**values))
    return tuple(uses)


def _read_sources(reader: _Reader, ws: Worksheet) -> tuple[SourceLine, ...]:
    columns = _source_columns()
    _check_headers(reader, ws, [item for _, item in columns])
    defaults = {"kind": _REQUIRED, "label": "", "status": SourceLine.__dataclass_fields__["status"].default,
                "amount": Decimal(0)}  # fmt: skip
    main = [(col, item) for col, (group, item) in enumerate(columns, start=1) if group == "main"]
    positions = {
        group: [col for col, (g, _item) in enumerate(columns, start=1) if g == group]
        for group in ("payment", "loan", "eu")
    }
    sources = []
    for i, row in enumerate(_table_rows(reader, ws, L.SOURCES_TOTAL_LABEL, len(columns))):
        path = f"sources[{i}]"
        reader.locations[path] = (ws.title, f"A{row}")
        values = _read_row(reader, ws, row, main, path, defaults)
        values["kind"] = values["kind"] or SourceKind.OWN_FUNDS
        values["payment"] = _read_terms(
            reader, ws, [(row, c) for c in positions["payment"]], L.PAYMENT_FIELDS, f"{path}.payment",
            PaymentTerms, PaymentTerms(), optional=False,
        )  # fmt: skip
        values["loan"] = _read_terms(
            reader, ws, [(row, c) for c in positions["loan"]], L.LOAN_FIELDS, f"{path}.loan",
            LoanTerms, LoanTerms(), optional=True,
        )  # fmt: skip
        values["eu"] = _read_terms(
            reader, ws, [(row, c) for c in positions["eu"]], L.EU_FIELDS, f"{path}.eu",
            EuReimbursement, EuReimbursement(), optional=True,
        )  # fmt: skip
        sources.append(SourceLine(**values))
    return tuple(sources)


def _read_operating(reader: _Reader, ws: Worksheet) -> tuple[OperatingYear, ...]:
    reader.expect_label(ws, L.OP_HEADER_ROW, 1, "Ligne")
    for _key, (row, item) in L.OPERATING_FIELDS_ROWS.items():
        reader.expect_label(ws, row, 1, item.header)
    horizon = reader.context.horizon
    if horizon is None:  # invalid horizon (already reported): read the year columns present
        horizon = 0
        while isinstance(value := ws.cell(row=L.OP_HEADER_ROW, column=L.OP_FIRST_YEAR_COL + horizon).value, str) and (
            _normalise(value).startswith("année")
        ):
            horizon += 1
    defaults = {f.name: f.default for f in fields(OperatingYear)} | {"youths": 0}
    years = []
    for k in range(horizon):
        col = L.OP_FIRST_YEAR_COL + k
        path = f"operating.years[{k}]"
        reader.locations[path] = (ws.title, f"{_col(col)}{L.OP_HEADER_ROW}")
        reader.expect_label(ws, L.OP_HEADER_ROW, col, f"année {k + 1}", prefix=True)
        values: dict[str, Any] = {}
        for key, (row, item) in L.OPERATING_FIELDS_ROWS.items():
            values[key] = _attempt(
                lambda row=row, item=item, key=key, col=col, path=path: reader.read(
                    ws, row, col, item, f"{path}.{key}", defaults[key]
                ),
                defaults[key],
            )
        years.append(OperatingYear(**values))
    reader.locations["operating.years"] = (ws.title, f"{_col(L.OP_FIRST_YEAR_COL)}{L.OP_HEADER_ROW}")
    return tuple(years)


def _read_eu_grants(reader: _Reader, ws: Worksheet) -> tuple[EuOperatingGrant, ...]:
    main = list(enumerate(L.EU_GRANT_MAIN_FIELDS, start=1))
    _check_headers(reader, ws, [*L.EU_GRANT_MAIN_FIELDS, *L.EU_FIELDS])
    defaults = {
        f.name: f.default for f in fields(EuOperatingGrant) if f.name in {i.name for i in L.EU_GRANT_MAIN_FIELDS}
    }
    defaults |= {"fund": _REQUIRED, "label": "", "amount": Decimal(0), "first_year": 0, "last_year": None,
                 "eligible_expenses": EuOperatingGrant.__dataclass_fields__["eligible_expenses"].default}  # fmt: skip
    first_eu_col = len(L.EU_GRANT_MAIN_FIELDS) + 1
    grants = []
    total_cols = len(L.EU_GRANT_MAIN_FIELDS) + len(L.EU_FIELDS)
    for i, row in enumerate(_table_rows(reader, ws, L.EU_GRANTS_TOTAL_LABEL, total_cols)):
        path = f"operating.eu_grants[{i}]"
        reader.locations[path] = (ws.title, f"A{row}")
        values = _read_row(reader, ws, row, main, path, defaults)
        values["fund"] = values["fund"] or EuFund.FSE_PLUS
        if values["last_year"] is None:
            values["last_year"] = values["first_year"] or 0
        values["first_year"] = values["first_year"] or 0
        cells = [(row, first_eu_col + j) for j in range(len(L.EU_FIELDS))]
        values["reimbursement"] = _read_terms(
            reader, ws, cells, L.EU_FIELDS, f"{path}.reimbursement", EuReimbursement, EuReimbursement(), optional=False
        )
        grants.append(EuOperatingGrant(**values))
    return tuple(grants)
