"""The protections at the edge of every request (docs/security.md, « Déploiement »): the client's address
behind the reverse proxy and the login lockouts, the Content-Security-Policy, the request-body cap and
the idle sessions."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse

from essaim.common.security import body_limit_bytes, client_ip
from tests.accounts.factories import PASSWORD, UserFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(django_settings.BASE_DIR) / "essaim" / "templates"
PROXY = "10.0.0.2"


# ------------------------------------------------------------------------------------- client address
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.5", "", "203.0.113.5"),  # no proxy: the connection's address
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # an untrusted sender cannot choose its address
        (PROXY, "198.51.100.1", "198.51.100.1"),  # through the proxy: the address it saw
        (PROXY, "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # a forged left part is ignored
        (PROXY, "198.51.100.1, 10.0.0.3", "198.51.100.1"),  # a second trusted proxy is skipped
        (PROXY, "not-an-address", PROXY),  # a malformed header: the proxy's own address
        (PROXY, "", PROXY),
    ],
)
def test_client_ip_believes_the_forwarded_header_only_from_a_trusted_proxy(settings, remote, forwarded, expected):
    settings.ESSAIM_TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_axes_reads_the_client_address_through_the_project_callable():
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "essaim.common.security.client_ip"


def _fail(client, email, address):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": "mauvais-mot-de-passe"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_an_account_is_locked_after_five_failures_from_any_addresses(client, settings):
    """Five failures on one account from five addresses lock it: rotating addresses does not help."""
    settings.ESSAIM_TRUSTED_PROXIES = [PROXY]
    user = UserFactory()
    for number in range(5):
        _fail(client, user.email, f"198.51.100.{number + 1}")
    response = client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()


def test_password_spraying_from_one_address_is_locked(client, settings):
    """Four passwords on each of several accounts from one address: the address is locked at the 5th
    failure, and another client behind the same proxy still signs in."""
    settings.ESSAIM_TRUSTED_PROXIES = [PROXY]
    victims = [UserFactory() for _ in range(3)]
    statuses = []
    for victim in victims:
        for _ in range(4):
            statuses.append(_fail(client, victim.email, "192.0.2.66").status_code)
    assert statuses[:5] == [200, 200, 200, 200, 429]
    assert set(statuses[5:]) == {429}
    # Nobody else is locked out by the attack: another address signs in to an account the attacker
    # did not try.
    other = MembershipFactory().user
    response = client.post(
        reverse("accounts:login"),
        {"username": other.email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert response.status_code == 302


def test_a_client_cannot_lock_others_by_forging_the_header_without_a_trusted_proxy(client, settings):
    """Without a trusted proxy the header is ignored: failures count under the connection's address."""
    settings.ESSAIM_TRUSTED_PROXIES = []
    users = [UserFactory() for _ in range(5)]
    for number, user in enumerate(users):
        client.post(
            reverse("accounts:login"),
            {"username": user.email, "password": "mauvais"},
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    other = MembershipFactory().user
    response = client.post(
        reverse("accounts:login"),
        {"username": other.email, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.11",
        HTTP_X_FORWARDED_FOR="192.0.2.10",
    )
    assert response.status_code == 302


# ------------------------------------------------------------------------------- Content-Security-Policy
def test_every_page_carries_a_policy_without_inline_script(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    for url in (reverse("dashboard:home"), reverse("accounts:login"), reverse("accounts:api_tokens")):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", url
        assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"\s(?:on[a-z]+|hx-on[:\w-]*)\s*=", re.I)


def test_no_template_holds_an_inline_script_or_an_event_handler_attribute():
    """The policy would block them: every behaviour lives in essaim/static/essaim/*.js."""
    offenders = []
    for path in TEMPLATES_DIR.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or EVENT_ATTRIBUTE.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(TEMPLATES_DIR)))
    assert offenders == []


def test_htmx_does_not_evaluate_attributes(client):
    client.force_login(MembershipFactory().user)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert '"allowEval": false' in html


# ------------------------------------------------------------------------------------------ body size
def test_a_body_larger_than_the_view_accepts_is_refused_unread(client, settings):
    """A 25 Mo upload to a dossier (20 Mo at most) is answered 413 in French before it is read: the
    declared length alone decides, so the test sends only a few bytes with a large Content-Length."""
    membership = MembershipFactory()
    client.force_login(membership.user)
    url = reverse("accounts:account")
    response = client.generic(
        "POST", url, b"x=1", content_type="application/x-www-form-urlencoded", CONTENT_LENGTH=str(25 * 1024 * 1024)
    )
    assert response.status_code == 413
    body = response.content.decode()
    assert "Envoi trop volumineux" in body and "3 Mo" in body


def test_upload_views_declare_their_own_limit():
    from django.urls import resolve

    def limit(name, **kwargs):
        return body_limit_bytes(resolve(reverse(name, kwargs=kwargs)).func) // (1024 * 1024)

    assert limit("funding_applications:document_upload", pk=1) == 21
    assert limit("funding_applications:convention_sign", pk=1) == 21
    assert limit("funding_applications:desk_batch") == django_settings.ESSAIM_MAX_REQUEST_MB
    assert limit("financing:plan_import", project_pk=1, plan_pk=1) == 6
    assert limit("indicators:import") == django_settings.ESSAIM_MAX_IMPORT_MB
    assert limit("organizations:organization_import") == django_settings.ESSAIM_MAX_IMPORT_MB
    assert limit("accounts:account") == django_settings.ESSAIM_MAX_REQUEST_MB
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440


# -------------------------------------------------------------------------------------------- sessions
def test_a_session_ends_after_the_idle_time(client, settings):
    membership = MembershipFactory()
    client.post(reverse("accounts:login"), {"username": membership.user.email, "password": PASSWORD})
    assert client.get(reverse("dashboard:home")).status_code == 200
    session = client.session
    session["essaim_last_seen"] = int(time.time()) - settings.ESSAIM_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("dashboard:home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "Votre session a expiré après 30 minutes sans activité" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_but_not_beyond_the_maximum(client, settings):
    membership = MembershipFactory()
    client.force_login(membership.user)
    session = client.session
    session["essaim_last_seen"] = int(time.time()) - 20 * 60  # 20 minutes ago: still open
    session.save()
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert client.session["essaim_last_seen"] >= int(time.time()) - 5  # activity recorded
    session = client.session
    session["essaim_signed_in_at"] = int(time.time()) - settings.ESSAIM_SESSION_MAX_HOURS * 3600 - 5
    session.save()
    response = client.get(reverse("dashboard:home"), follow=True)
    assert "heures après la connexion" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_session_cookie_lasts_no_longer_than_the_maximum():
    assert django_settings.SESSION_COOKIE_AGE == django_settings.ESSAIM_SESSION_MAX_HOURS * 3600
    assert django_settings.ESSAIM_SESSION_IDLE_MINUTES == 30
