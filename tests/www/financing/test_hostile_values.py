"""Issue 12 item 3: one absurd amount must never break a plan, whether typed, imported or already stored.

* Typed into the editor: a French error on the field, nothing saved (hypothesis over every field).
* Imported from a workbook: a French error naming the sheet and the cell, nothing saved.
* Already stored (written directly in the database, as an older version of Essaim could): the plan
  page, the editor, the version page, the submit action, the exports and the risk analysis answer
  with the error on that field, never a 500.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from openpyxl import load_workbook

from essaim.common.archives import WORKBOOK_LIMITS
from essaim.financing.enums import VersionStatus
from essaim.financing.models import FinancingPlanVersion
from essaim.financing.xlsx import WorkbookError, plan_from_xlsx, plan_to_xlsx
from essaim.jobs.models import Job
from essaim.organizations.enums import MembershipRole, OrganizationKind
from financing_engine import demo_plan, plan_to_dict
from tests.common.test_archives import MB, zip_with
from tests.financing.factories import editor_post_data, plan_with_draft
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
ABSURD = ["1e30", "1e309", "1E+999999", "12345678901234567890123456", "NaN", "Infinity", "-Infinity"]
FIELD_MESSAGE = "Emploi 1 « Machines-outils à commande numérique » : montant"


def _store(version, mutate):
    """Write a content directly in the database, bypassing every check (as a direct SQL update would)."""
    content = version.content
    mutate(content)
    FinancingPlanVersion.objects.filter(pk=version.pk).update(content=content)


@pytest.fixture
def stored_absurd(holder_client, project):
    plan = plan_with_draft(project)
    draft = plan.versions.get(status=VersionStatus.DRAFT)
    _store(draft, lambda content: content["uses"][0].update(amount="1e30"))
    return plan


def _pages(plan):
    args = [plan.project_id, plan.pk]
    return [
        reverse("financing:plan_detail", args=args),
        reverse("financing:plan_detail", args=args) + "?vue=tresorerie",
        reverse("financing:plan_detail", args=args) + "?vue=fonctionnement",
        reverse("financing:version_detail", args=[*args, 1]),
        reverse("financing:plan_edit", args=args),
        reverse("financing:plan_edit", args=args) + "?vue=tresorerie",
        reverse("financing:version_compare", args=args) + "?de=1&a=1",
        reverse("financing:plan_list", args=[plan.project_id]),
        reverse("financing:version_export_json", args=[*args, 1]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ABSURD)
def test_stored_absurd_value_is_shown_on_its_field_never_a_500(holder_client, project, value):
    plan = plan_with_draft(project)
    _store(plan.versions.get(), lambda content: content["uses"][0].update(amount=value))
    for url in _pages(plan):
        response = holder_client.get(url)
        assert response.status_code == 200, url
    page = holder_client.get(reverse("financing:plan_detail", args=[plan.project_id, plan.pk])).content.decode()
    assert FIELD_MESSAGE in page and "uses[0]" not in page
    editor = holder_client.get(reverse("financing:plan_edit", args=[plan.project_id, plan.pk])).content.decode()
    start = editor.index('id="id_uses-0-amount-error"')
    assert "Saisissez un nombre" in editor[start : start + 300]


@pytest.mark.django_db
def test_submit_export_and_risk_of_a_stored_absurd_value_answer_in_french(holder_client, stored_absurd):
    plan = stored_absurd
    args = [plan.project_id, plan.pk]
    response = holder_client.post(reverse("financing:version_submit", args=args), {"comment": ""}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "ne peut pas être soumise" in text and FIELD_MESSAGE in text
    assert plan.versions.get().status == VersionStatus.DRAFT
    response = holder_client.get(reverse("financing:version_export_xlsx", args=[*args, 1]), follow=True)
    assert response.status_code == 200 and "valeurs invalides" in response.content.decode()
    response = holder_client.post(reverse("financing:version_risk", args=[*args, 1]), **HTMX)
    assert response.status_code == 200 and FIELD_MESSAGE in response.content.decode()
    assert not Job.objects.exists()  # refused before anything is queued


@pytest.mark.django_db
def test_stored_structural_garbage_is_never_a_500(holder_client, project):
    plan = plan_with_draft(project)
    _store(plan.versions.get(), lambda content: content.update(uses="pas une liste", operating=[1, 2]))
    for url in _pages(plan):
        assert holder_client.get(url).status_code == 200, url
    editor = holder_client.get(reverse("financing:plan_edit", args=[plan.project_id, plan.pk])).content.decode()
    assert "ne peut pas être affiché dans l'éditeur" in editor


@pytest.mark.django_db
def test_correcting_a_stored_absurd_value_in_the_editor_saves_the_plan(holder_client, stored_absurd):
    plan = stored_absurd
    draft = plan.versions.get()
    data = editor_post_data(draft.content, "investissement") | {"uses-0-amount": "260 000"}
    response = holder_client.post(reverse("financing:plan_edit", args=[plan.project_id, plan.pk]), data, **HTMX)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.content["uses"][0]["amount"] == "260000.00"


@pytest.mark.django_db
@pytest.mark.parametrize("value", [1e30, "1e30", "1E+999999", "12345678901234567890123456"])
def test_workbook_import_refuses_absurd_amount_on_its_cell(holder_client, project, value):
    plan = plan_with_draft(project)
    before = plan.versions.get().content
    book = load_workbook(io.BytesIO(plan_to_xlsx(demo_plan())))
    book["Investissements"]["D5"] = value
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.name = "plan.xlsx"
    buffer.seek(0)
    response = holder_client.post(reverse("financing:plan_import", args=[plan.project_id, plan.pk]), {"file": buffer})
    assert response.status_code == 200
    text = response.content.decode()
    assert "D5" in text and "Investissements" in text
    assert plan.versions.get().content == before


def _workbook_bomb() -> bytes:
    """The demo plan's workbook holding one more part: 8 MB of zeros, about 8 KB on disk (ratio ≈ 1 000)."""
    source = zipfile.ZipFile(io.BytesIO(plan_to_xlsx(demo_plan())))
    members = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    return zip_with([*members, ("xl/media/image1.bin", 8 * MB)])


@pytest.mark.django_db
def test_workbook_import_refuses_a_zip_bomb_in_french_and_saves_nothing(holder_client, project):
    bomb = _workbook_bomb()
    assert len(bomb) - len(plan_to_xlsx(demo_plan())) < 64 * 1024  # the 8 MB part is small on disk
    plan = plan_with_draft(project)
    before = list(plan.versions.values_list("pk", "content"))
    buffer = io.BytesIO(bomb)
    buffer.name = "plan.xlsx"
    response = holder_client.post(reverse("financing:plan_import", args=[plan.project_id, plan.pk]), {"file": buffer})
    assert response.status_code == 200
    text = response.content.decode()
    assert "« plan.xlsx »" in text and "bombe de décompression" in text and "image1.bin" in text, text
    assert list(plan.versions.values_list("pk", "content")) == before


def test_plan_evaluate_refuses_a_workbook_bomb_in_french(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(_workbook_bomb())
    with pytest.raises(CommandError, match="bombe de décompression"):
        call_command("plan", "evaluate", str(path))


def test_the_plan_workbook_limits_bound_entries_and_sizes():
    """Beyond the ratio: too many parts, or one part too large once unpacked, whatever its compression."""
    with pytest.raises(WorkbookError, match="éléments compressés"):
        plan_from_xlsx(zip_with([(f"xl/p{i}.xml", b"<x/>") for i in range(WORKBOOK_LIMITS.max_entries + 1)]))
    with pytest.raises(WorkbookError, match="une fois décompressé"):
        plan_from_xlsx(zip_with([("xl/worksheets/sheet1.xml", 21 * MB)]))
    assert isinstance(plan_from_xlsx(plan_to_xlsx(demo_plan())), type(demo_plan()))


def _demo_json(amount: str) -> bytes:
    text = json.dumps(plan_to_dict(demo_plan()))
    first = plan_to_dict(demo_plan())["uses"][0]["amount"]
    return text.replace(f'"amount": "{first}"', f'"amount": {amount}', 1).encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, words",
    [
        (_demo_json('"1e309"'), [FIELD_MESSAGE, "compris entre 0 et 1"]),
        (_demo_json('"1E+999999"'), [FIELD_MESSAGE, "compris entre 0 et 1"]),
        (_demo_json("NaN"), [FIELD_MESSAGE, "Nombre invalide"]),
        (_demo_json("-1e309"), [FIELD_MESSAGE]),
        (_demo_json("1" * 5000), ["nombre beaucoup trop long"]),
        (b'{"uses": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", ["trop profondément imbriqué"]),
        (b"\xff\xfe{}", ["UTF-8"]),
        (b"[1, 2]", ["doit contenir un objet"]),
        (b'{"uses": "pas une liste"}', ["Liste attendue", "Champ obligatoire"]),
    ],
    ids=["1e309", "exponent", "nan", "minus-inf", "5000-digits", "nested", "not-utf8", "list", "wrong-type"],
)
def test_json_plan_import_refuses_hostile_files_in_french_and_saves_nothing(holder_client, project, content, words):
    """The web import of a JSON plan (the same reading as `essaim plan evaluate`): a French message, no
    version changed."""
    plan = plan_with_draft(project)
    before = list(plan.versions.values_list("pk", "content"))
    buffer = io.BytesIO(content)
    buffer.name = "plan.json"
    response = holder_client.post(reverse("financing:plan_import", args=[plan.project_id, plan.pk]), {"file": buffer})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Traceback" not in text and "uses[0]" not in text  # the field in French words, never its path
    for word in words:
        assert word in text, (word, text[text.find("message-error") :][:800])
    assert list(plan.versions.values_list("pk", "content")) == before


# ------------------------------------------------------------------------------------ editor fuzzing
hostile = st.one_of(
    st.sampled_from(ABSURD + ["-1", "0,001", "1e-999999", "", " ", "١٢", "∞", "1" * 400, "1/2", "12 %", "--5"]),
    st.text(max_size=30),
    st.from_regex(r"-?[0-9]{1,30}([.,][0-9]{0,10})?([eE][+-]?[0-9]{1,7})?", fullmatch=True),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
)
TAB_FIELDS = {
    "investissement": [
        "uses-0-amount",
        "uses-1-month",
        "uses-2-depreciation_years",
        "sources-0-amount",
        "sources-1-advance_share",
        "sources-1-balance_delay_months",
        "sources-4-loan_duration_months",
        "sources-4-loan_deferral_months",
        "sources-4-loan_annual_rate",
        "sources-4-loan_drawdown",
    ],
    "fonctionnement": [
        "years-0-youths",
        "years-1-production_hours_per_youth",
        "years-1-productivity_ratio",
        "years-2-hourly_price",
        "years-2-sales_amount",
        "years-3-master_trainers",
        "years-3-materials_share",
        "years-4-rent",
    ],
    "tresorerie": [
        "params-start_date",
        "params-opening_month",
        "params-opening_cash",
        "params-cash_floor",
    ],
}
FIELDS = [(tab, field) for tab, fields in TAB_FIELDS.items() for field in fields]


class TestEditorFuzz(HypothesisTestCase):
    """Any value typed into any editor field: no 5xx; either a French error on the field and nothing saved,
    or a plan the engine accepts (then saved)."""

    @classmethod
    def setUpTestData(cls):
        holder = OrganizationFactory(name="Porteur", kind=OrganizationKind.PROJECT_HOLDER)
        cls.user = MembershipFactory(organization=holder, role=MembershipRole.ADMIN).user
        cls.plan = plan_with_draft(ProjectFactory(holder=holder))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(target=st.sampled_from(FIELDS), value=hostile)
    def test_editor_never_fails_and_never_saves_a_bad_value(self, target, value):
        tab, field = target
        self.client.force_login(self.user)
        draft = self.plan.versions.get(status=VersionStatus.DRAFT)
        before = draft.content
        data = editor_post_data(before, tab) | {field: value}
        url = reverse("financing:plan_edit", args=[self.plan.project_id, self.plan.pk]) + f"?vue={tab}"
        response = self.client.post(url, data, **HTMX)
        assert response.status_code in (200, 204), response.status_code
        draft.refresh_from_db()
        html = response.content.decode()
        if draft.content == before:
            start = html.find(f'id="id_{field}-error"')
            unchanged = html.find("Modification non enregistrée") == -1
            # Either the value meant the same as before (nothing to save), or an error sits on the field.
            assert unchanged or '<ul class="errorlist">' in html[start : start + 200] or "editor-errors" in html
        else:
            assert response.status_code == 204 or "Brouillon enregistré" in html
        FinancingPlanVersion.objects.filter(pk=draft.pk).update(content=before)
