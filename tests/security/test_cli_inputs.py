"""Numbers from the environment and the command line: a French message and an exit code ≠ 0, never a
traceback (docs/security.md, « Limites et saisies hostiles »)."""

import argparse
import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.environment import env_float, env_int, env_networks
from essaim.common.arguments import bounded_float, bounded_int
from tests.test_cli_and_settings import run

HOSTILE = ["-1", "=abc", "99999999999999999999999", "1e309", "NaN", "", "٣", "2.5", "0x10"]


@pytest.mark.parametrize("raw", [value for value in HOSTILE if value])
def test_env_int_refuses_with_a_french_message(monkeypatch, raw):
    monkeypatch.setenv("ESSAIM_TEST_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match=r"ESSAIM_TEST_NUMBER doit être un nombre entier entre 2 et 10"):
        env_int("ESSAIM_TEST_NUMBER", 3, minimum=2, maximum=10)


def test_env_values_in_range_and_defaults(monkeypatch):
    monkeypatch.setenv("ESSAIM_TEST_NUMBER", " 7 ")
    assert env_int("ESSAIM_TEST_NUMBER", 3, minimum=2, maximum=10) == 7
    monkeypatch.delenv("ESSAIM_TEST_NUMBER")
    assert env_int("ESSAIM_TEST_NUMBER", 3, minimum=2, maximum=10) == 3
    monkeypatch.setenv("ESSAIM_TEST_NUMBER", "1,5")
    assert env_float("ESSAIM_TEST_NUMBER", 1.0, minimum=0.5, maximum=2) == 1.5
    monkeypatch.setenv("ESSAIM_TEST_NUMBER", "inf")
    with pytest.raises(ImproperlyConfigured, match="doit être un nombre entre"):
        env_float("ESSAIM_TEST_NUMBER", 1.0, minimum=0.5, maximum=2)
    monkeypatch.setenv("ESSAIM_TEST_NUMBER", "127.0.0.1, 10.0.0.0/8")
    assert env_networks("ESSAIM_TEST_NUMBER") == ["127.0.0.1", "10.0.0.0/8"]
    monkeypatch.setenv("ESSAIM_TEST_NUMBER", "127.0.0.1,proxy")
    with pytest.raises(ImproperlyConfigured, match="« proxy »"):
        env_networks("ESSAIM_TEST_NUMBER")


@pytest.mark.parametrize("raw", HOSTILE)
def test_command_line_numbers_are_bounded(raw):
    with pytest.raises(argparse.ArgumentTypeError, match="saisissez un nombre entier entre 1 et 20"):
        bounded_int(1, 20)(raw)
    if raw not in {"2.5"}:
        with pytest.raises(argparse.ArgumentTypeError, match="saisissez un nombre entre 1 et 100"):
            bounded_float(1, 100)(raw)


@pytest.mark.parametrize("value", ["-1", "0", "=abc", "1000000"])
def test_absurd_retention_stops_every_command_in_french(value):
    """LEARNER_RETENTION_YEARS_AFTER_EXIT=-1 would anonymise recent leavers: refused before anything runs."""
    result = run("learners", "purge", "--dry-run", env_extra={"LEARNER_RETENTION_YEARS_AFTER_EXIT": value})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert (
        "Configuration invalide : LEARNER_RETENTION_YEARS_AFTER_EXIT doit être un nombre entier entre 2 et 10"
        in result.stderr
    )


def test_the_purge_service_refuses_a_retention_set_in_code(settings):
    from essaim.learners.services import retention_cutoff

    settings.LEARNER_RETENTION_YEARS_AFTER_EXIT = -1
    with pytest.raises(ImproperlyConfigured, match="entre 2 et 10"):
        retention_cutoff()


@pytest.mark.parametrize(
    "args",
    [
        ("territories", "sites", "--trade", "usinage", "-k", "=abc"),
        ("territories", "sites", "--trade", "usinage", "-k", "99999999999999999999"),
        ("territories", "sites", "--trade", "usinage", "--radius-km", "nan"),
        ("territories", "score", "--trade", "usinage", "--limit", "-5"),
        ("jobs", "purge", "--days", "=abc"),
    ],
    ids=["k-text", "k-huge", "radius-nan", "limit-negative", "days-text"],
)
def test_command_options_refuse_absurd_numbers_in_french(args):
    result = run(*args, env_extra={"ESSAIM_VAR_DIR": os.environ.get("TMPDIR", "/tmp")})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "saisissez un nombre" in result.stderr
