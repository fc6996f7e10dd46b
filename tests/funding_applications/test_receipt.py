"""Proof of deposit: generated at deposit with WeasyPrint, stored with the dossier, downloadable.

No PDF text extractor is installed (pypdf is not a dependency), so the test renders the same HTML
the PDF is printed from and asserts on it, and checks that the stored bytes are a real PDF.
"""

import datetime as dt
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.models import FundingApplication
from essaim.funding_applications.receipts import format_datetime, receipt_html
from tests.funding_applications.factories import advance

pytestmark = pytest.mark.django_db


def test_receipt_carries_date_plan_hash_and_document_hashes(fa):
    """The proof names the dossier, project, funder, date « jj/mm/aaaa à hh:mm », plan and document hashes."""
    advance(fa.application, until=S.DEPOSITED, actors=fa.actors)
    application = fa.application
    version = application.plan_version
    assert application.deposit_plan_hash == version.content_hash == version.computed_hash()
    html = receipt_html(application)
    assert application.reference in html
    assert fa.project.name in html and fa.orgs["bdt"].name in html
    deposited = timezone.localtime(application.deposited_at)
    assert f"{deposited:%d/%m/%Y} à {deposited:%H:%M}" in html
    assert version.content_hash in html
    for document in application.documents.all():
        assert document.sha256 in html
        with document.file.open("rb") as stored:
            assert document.sha256 == hashlib.sha256(stored.read()).hexdigest()
    assert re.search(r"130\u202f000,00\u00a0€", html)
    with application.deposit_receipt.open("rb") as stored:
        pdf = stored.read()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1024


def test_datetime_format():
    """Dates and times are written the French way, in Paris time."""
    moment = dt.datetime(2026, 11, 26, 13, 5, tzinfo=dt.UTC)
    assert format_datetime(moment) == "26/11/2026 à 14:05"


def test_receipt_download_is_an_attachment_for_those_who_see_the_dossier(fa, client):
    """The holder and the BdT download the PDF; another holder gets 404; before deposit there is none."""
    url = reverse("funding_applications:deposit_receipt", kwargs={"pk": fa.application.pk})
    client.force_login(fa.users["holder"])
    assert client.get(url).status_code == 404
    advance(fa.application, until=S.DEPOSITED, actors=fa.actors)
    for key in ("holder", "bdt", "fnep", "region"):
        client.force_login(fa.users[key])
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        b"".join(response.streaming_content)  # consuming closes the file
    client.force_login(fa.users["other_holder"])
    assert client.get(url).status_code == 404
    assert FundingApplication.objects.get(pk=fa.application.pk).deposit_receipt.name.startswith(
        f"funding_applications/{fa.application.pk}/"
    )
