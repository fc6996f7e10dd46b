"""Hostile files to every importer and to `essaim plan evaluate` (issue 12, a standing test).

Every importer of indicators (``IMPORTERS``), the SIRENE import, the plan workbook reader and the JSON
plan reader of ``essaim plan evaluate`` receive generated files — garbage bytes, CSV or GeoJSON with
hostile cells, valid files with one hostile value — and must either import or refuse with their own
French error (naming file, line, column or field), writing nothing; never another exception.
"""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.financing.management.commands.plan import read_plan
from essaim.financing.xlsx import WorkbookError, plan_from_xlsx
from essaim.indicators.importers import IMPORTERS, DataImportError
from essaim.indicators.importers.base import read_csv
from essaim.indicators.models import DataImport, IndicatorValue, Qpv
from essaim.indicators.services import import_file
from essaim.organizations.models import Organization
from essaim.organizations.sirene import REQUIRED_COLUMNS, SireneImportError, sirene_import
from financing_engine import evaluate_plan
from financing_engine.demo import demo_plan
from financing_engine.serialization import plan_to_dict
from tests.indicators import files
from tests.indicators.conftest import small_world  # noqa: F401 (fixture)
from tests.security.hostile import hostile_text

FUZZ = settings(
    max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None
)
SUFFIXES = [".csv", ".CSV", ".xlsx", ".zip", ".geojson", ".json", ".txt"]


def _csv(cells: list[list[str]]) -> bytes:
    return "\n".join(";".join(row) for row in cells).encode("utf-8", errors="surrogatepass")


def _zip(member: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, content)
    return buffer.getvalue()


safe_text = hostile_text.map(lambda text: text.encode("utf-8", "replace").decode("utf-8"))
hostile_content = st.one_of(
    st.binary(max_size=200),
    st.lists(st.lists(safe_text, min_size=1, max_size=4), min_size=1, max_size=4).map(
        lambda rows: "\n".join(";".join(row) for row in rows).encode()
    ),
    safe_text.map(lambda text: json.dumps({"type": "FeatureCollection", "features": [{"properties": text}]}).encode()),
    st.integers(min_value=1, max_value=3000).map(lambda depth: ("[" * depth + "]" * depth).encode()),
    st.just(b"[" * 100_000),
    st.tuples(st.sampled_from(["a.csv", "a.geojson", "a.CSV", "../a.csv"]), st.binary(max_size=100)).map(
        lambda pair: _zip(*pair)
    ),
)


class _Rollback:
    """Each example in its own savepoint, rolled back: what one example imports never reaches the next."""

    def __enter__(self):
        self.block = transaction.atomic()
        self.block._from_testcase = True
        self.block.__enter__()

    def __exit__(self, *exc):
        transaction.set_rollback(True)
        self.block.__exit__(*exc)


def _nothing_written():
    return (IndicatorValue.objects.count(), DataImport.objects.count(), Qpv.objects.count())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_every_indicator_importer_refuses_hostile_files_in_french(small_world, tmp_path, kind):  # noqa: F811
    before = _nothing_written()

    @FUZZ
    @given(content=hostile_content, suffix=st.sampled_from(SUFFIXES))
    def import_one(content, suffix):
        path = tmp_path / f"fichier{suffix}"
        path.write_bytes(content)
        with _Rollback():
            try:
                import_file(kind=kind, path=path)
            except DataImportError as error:
                assert str(error) and "Traceback" not in str(error)
                assert _nothing_written() == before, f"{kind} : refusé mais des données ont été écrites"

    import_one()


@pytest.mark.django_db
@given(column=st.sampled_from(files.RP_DIPLOMAS_COLUMNS), value=safe_text)
@FUZZ
def test_a_hostile_cell_in_a_valid_census_file_is_refused_on_its_cell(small_world, tmp_path, column, value):  # noqa: F811
    row = {"CODGEO": "59350", "P22_POP1517": "1000", "P22_POP1824": "2000", "P22_SCOL1517": "100",
           "P22_SCOL1824": "500", "P22_NSCOL15P": "800", "P22_NSCOL15P_DIPLMIN": "200"}  # fmt: skip
    row[column] = value
    before = _nothing_written()
    with _Rollback():
        try:
            import_file(kind="insee-rp-diplomas", path=files.rp_diplomas(tmp_path, [row]))
        except DataImportError as error:
            assert error.line in (1, 2)
            assert _nothing_written() == before


@pytest.mark.django_db
@given(key=st.sampled_from(["code_qp", "lib_qp", "insee_com", "geometry"]), value=st.one_of(safe_text, st.integers()))
@FUZZ
def test_a_hostile_value_in_a_qpv_feature_is_refused_on_its_feature(small_world, tmp_path, key, value):  # noqa: F811
    feature = files.qpv_feature("QN05901M", "Quartier", "59350")
    if key == "geometry":
        feature["geometry"] = {"type": "Polygon", "coordinates": value}
    else:
        feature["properties"][key] = value
    with _Rollback():
        try:
            import_file(kind="qpv", path=files.qpv(tmp_path, [feature]))
        except DataImportError as error:
            assert error.line == 1
            assert not Qpv.objects.exists()


@pytest.mark.django_db
@given(column=st.sampled_from(REQUIRED_COLUMNS + ("denominationUniteLegale",)), value=safe_text)
@FUZZ
def test_sirene_import_refuses_hostile_cells_in_french(column, value):
    header = list(REQUIRED_COLUMNS) + ["denominationUniteLegale"]
    row = {"siren": "732829320", "nic": "00074", "siret": "73282932000074", "codeCommuneEtablissement": "59350",
           "etatAdministratifEtablissement": "A", "denominationUniteLegale": "Entreprise"}  # fmt: skip
    row[column] = value.replace("\n", " ").replace(",", " ").replace('"', " ")
    data = ",".join(header) + "\n" + ",".join(row[name] for name in header) + "\n"
    before = Organization.objects.count()
    with _Rollback():
        try:
            sirene_import(data=data.encode("utf-8", "replace"))
        except SireneImportError as error:
            assert error.errors and all("Traceback" not in message for message in error.errors)
            assert Organization.objects.count() == before


@given(content=st.binary(max_size=300))
@FUZZ
def test_the_plan_workbook_reader_refuses_garbage_in_french(content):
    with pytest.raises(WorkbookError) as caught:
        plan_from_xlsx(io.BytesIO(content))
    assert caught.value.issues


def _leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))
    else:
        yield path


PLAN = plan_to_dict(demo_plan())
LEAVES = list(_leaves(PLAN))


def _with(data, path, value):
    data = json.loads(json.dumps(data))
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


json_value = st.one_of(
    safe_text,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)


@given(path=st.sampled_from(LEAVES), value=json_value)
@FUZZ
def test_plan_evaluate_refuses_any_hostile_value_in_french(tmp_path_factory, path, value):
    """`essaim plan evaluate`: one hostile value anywhere in a valid plan gives a French error naming the
    field (CommandError, exit code 1 from the command line) or a plan the engine evaluates."""
    file = tmp_path_factory.mktemp("plan") / "plan.json"
    file.write_text(json.dumps(_with(PLAN, path, value), allow_nan=True), encoding="utf-8")
    try:
        plan = read_plan(file)
    except CommandError as error:
        assert "plan invalide" in str(error) or "JSON" in str(error)
        return
    evaluate_plan(plan)


@pytest.mark.parametrize(
    "raw",
    ['"1e309"', '"1E+999999"', '"12345678901234567890123456"', '"NaN"', "NaN", "1e309", "-1e309", '"-1"'],
)
def test_plan_evaluate_named_cases(tmp_path, raw):
    text = json.dumps(PLAN).replace(f'"amount": "{PLAN["uses"][0]["amount"]}"', f'"amount": {raw}', 1)
    file = tmp_path / "plan.json"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="plan invalide|JSON"):
        read_plan(file)


def test_plan_evaluate_deep_nesting(tmp_path):
    file = tmp_path / "plan.json"
    file.write_text('{"uses": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(CommandError, match="JSON trop profondément imbriqué|plan invalide"):
        read_plan(file)


def test_demo_plan_is_a_valid_starting_point():
    assert Decimal(str(PLAN["uses"][0]["amount"])) > 0


@pytest.mark.parametrize("separator", ["\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_a_unicode_line_separator_inside_a_cell_stays_in_its_line(tmp_path, separator):
    """Found by the fuzzer: « \\x1e » in CODGEO was read as the end of line 2 (str.splitlines), and the error
    named line 3. Lines end at \\n, \\r or \\r\\n only, as in a spreadsheet: the cell stays in line 2."""
    path = tmp_path / "communes.csv"
    path.write_text(f"CODGEO;P22_POP1517\n59{separator}350;1000\n62041;20\n", encoding="utf-8")
    table = read_csv(path, file="communes.csv")
    assert [(row.line, row.values["CODGEO"]) for row in table.rows] == [(2, f"59{separator}350"), (3, "62041")]
