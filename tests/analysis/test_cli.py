import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("territories", *args, stdout=out)
    return out.getvalue()


def test_score_json_has_numbers_and_string_codes(small_world, selectors):
    """score --format json: codes as strings, scores and contributions as numbers, reference profile by default."""
    data = json.loads(run("score", "--trade", "usinage", "--level", "epci", "--format", "json"))
    assert data["profile"]["name"] == "Profil de référence"
    first = data["scores"][0]
    assert isinstance(first["code"], str) and isinstance(first["score"], float) and first["rank"] == 1
    total = sum(c["contribution"] for c in first["contributions"]) - first["penalty"]
    assert total == pytest.approx(first["score"])
    assert {s["code"] for s in data["scores"]} == {"200000001", "200000002", "200000003"}


def test_score_text_is_french(small_world, selectors):
    """score in text: French labels and decimal commas."""
    text = run("score", "--trade", "usinage", "--level", "commune", "--profile", "Profil de référence")
    assert "Score d'opportunité — métier : Usinage — niveau : Communes" in text
    assert "0,2" in text and "6 territoire(s) affiché(s) sur 6." in text


def test_sites_json(small_world, selectors):
    """sites --format json: exact and greedy answers with status, coverage and marginal gains."""
    data = json.loads(run("sites", "--trade", "usinage", "-k", "1", "--radius-km", "20", "--format", "json"))
    assert data["exact"]["status"] == "optimal"
    assert data["exact"]["covered_demand"] == pytest.approx(1800.0)
    assert isinstance(data["exact"]["sites"][0]["code"], str)
    assert data["demand_served_by_existing"] == pytest.approx(3000.0)


def test_sites_text(small_world, selectors):
    """sites in text: both answers in French."""
    text = run("sites", "--trade", "usinage", "-k", "2", "--radius-km", "20")
    assert "Solution exacte (MILP)" in text and "Solution gloutonne" in text and "gain +" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("score", "--trade", "peinture"), "Métier inconnu « peinture »"),
        (("score", "--trade", "usinage", "--profile", "Nulle part"), "Profil inconnu « Nulle part »"),
        (
            ("sites", "--trade", "usinage", "-k", "0"),
            "^Erreur : option -k : saisissez un nombre entier entre 1 et 20 \\(reçu : « 0 »\\)\\.$",
        ),
        (
            ("sites", "--trade", "usinage", "-k", "=abc"),
            "^Erreur : option -k : saisissez un nombre entier entre 1 et 20",
        ),
        (("sites", "--trade", "usinage", "-k"), "^Erreur : option -k : une valeur est attendue$"),
        (("sites", "--radius-km", "5"), "^Erreur : obligatoire\\(s\\) et absent\\(s\\) : --trade$"),
        (("canton", "--trade", "usinage"), "^Erreur : argument score\\|sites : choix inconnu « canton »"),
        (("sites", "--trade", "usinage", "--measure", "tout"), "Mesure de la demande inconnue"),
    ],
)
def test_errors_are_french(small_world, selectors, args, message):
    """Bad inputs stop the command with a French message (non-zero exit)."""
    with pytest.raises(CommandError, match=message):
        run(*args)
