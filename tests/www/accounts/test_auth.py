import re

import pytest
from django.core import mail
from django.urls import reverse

from essaim.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2(settings):
    """Production hashing is Argon2 (the test settings swap in a fast hasher)."""
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = User.objects.create_user(email="argon@exemple.fr", password=PASSWORD)
    assert user.password.startswith("argon2$")


def test_login_with_email_reaches_home(client):
    """A user signs in with their e-mail address and lands on their home page."""
    membership = MembershipFactory()
    response = client.post(
        reverse("accounts:login"), {"username": membership.user.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")
    assert membership.organization.name in response.content.decode()


def test_wrong_password_gets_a_french_error(client):
    """A wrong password is refused with a French message, without saying which field was wrong."""
    user = UserFactory()
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": "mauvais"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


def test_repeated_failures_lock_the_login(client):
    """After 5 failed attempts the account is locked out, even with the right password."""
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": user.email, "password": "mauvais"})
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client):
    """« Mot de passe oublié » sends a French e-mail whose link sets a new password."""
    user = UserFactory()
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Essaim : réinitialisation de votre mot de passe"
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    new_password = "un-nouveau-mot-de-passe-2026"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password}, follow=True)
    assert "Mot de passe enregistré" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_for_unknown_email_reveals_nothing(client):
    """An unknown address gets the same answer and no e-mail (no account enumeration)."""
    response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@exemple.fr"}, follow=True)
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert mail.outbox == []


def test_logout_requires_post(client):
    """Signing out is a POST (a link cannot sign someone out)."""
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
