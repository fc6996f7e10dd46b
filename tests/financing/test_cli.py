import json

import pytest
from django.core.management import CommandError, call_command

from financing_engine import demo_plan, plan_to_dict

EXAMPLE = "docs/examples/plan-exemple.json"


def test_evaluate_json_in_french_text(capsys):
    """The default output is French and human-readable: balance, years, trough, loan needed, rules."""
    call_command("plan", "evaluate", EXAMPLE)
    out = capsys.readouterr().out
    assert "Plan d'investissement" in out and "(équilibré)" in out
    assert "Année 1 (2026-2027)" in out
    assert "Point bas sans prêt" in out and "-274\u202f800,00\u00a0€ en 02/2027" in out
    assert "Prêt nécessaire" in out and "296\u202f033,48\u00a0€" in out
    assert "[alerte]" in out and "Aucune règle bloquante." in out


def test_evaluate_json_format_for_machines(capsys):
    """--format json writes result_to_dict: amounts as strings with two decimals."""
    call_command("plan", "evaluate", EXAMPLE, "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["investment"]["total_uses"] == "450000.00"
    assert data["working_capital"]["loan_needed"] == "296033.48"
    assert data["is_blocked"] is False


def test_evaluate_xlsx(tmp_path, capsys):
    """An .xlsx workbook in the documented layout is evaluated like its JSON."""
    from essaim.financing.xlsx import plan_to_xlsx

    path = tmp_path / "plan.xlsx"
    path.write_bytes(plan_to_xlsx(demo_plan()))
    call_command("plan", "evaluate", str(path), "--format", "json")
    assert json.loads(capsys.readouterr().out)["investment"]["total_sources"] == "450000.00"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{pas du json", "JSON invalide, ligne 1, colonne 2"),
        ("[]", "le JSON doit contenir un objet"),
        (
            None,
            "Ressource 5 « Prêt subordonné Banque des Territoires », prêt : durée : "
            "La durée du prêt doit être comprise entre 1 mois et 30 ans",
        ),
    ],
)
def test_bad_json_file_names_the_field(tmp_path, content, message):
    """A bad file stops with a French error naming the field, and a non-zero exit."""
    if content is None:
        data = plan_to_dict(demo_plan())
        data["sources"][4]["loan"]["duration_months"] = 480
        data["uses"][0]["amount"] = "-5"
        content = json.dumps(data)
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")) as error:
        call_command("plan", "evaluate", str(path))
    assert error.value.returncode == 1


def test_bad_workbook_names_sheet_and_cell(tmp_path):
    """A workbook with text in a number cell stops with the sheet and cell."""
    import io

    import openpyxl

    from essaim.financing.xlsx import plan_to_xlsx
    from essaim.financing.xlsx.layout import PARAMETERS

    workbook = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(demo_plan())))
    del workbook[PARAMETERS]
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    with pytest.raises(CommandError, match=f"Feuille « {PARAMETERS} »"):
        call_command("plan", "evaluate", str(path))


def test_missing_file_and_unknown_format(tmp_path):
    """A missing file or an unknown extension gives a clear French error."""
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("plan", "evaluate", str(tmp_path / "absent.json"))
    (tmp_path / "plan.csv").write_text("x")
    with pytest.raises(CommandError, match="format non reconnu"):
        call_command("plan", "evaluate", str(tmp_path / "plan.csv"))


def test_help_is_french():
    """The command's help (first line listed by « essaim --help ») is in French."""
    from essaim.financing.management.commands.plan import Command

    assert Command.help.splitlines()[0].startswith("Évalue un plan de financement")


def _run_cli(*args):
    """The command as a user runs it: a separate process, its exit code and both outputs."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    essaim = Path(sys.executable).with_name("essaim")
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(
        [str(essaim), "plan", "evaluate", *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "absurd",
            "Emploi 1 « Machines-outils à commande numérique » : montant : Le montant doit être compris entre 0",
        ),
        ("[" * 100_000 + "]" * 100_000, "JSON trop profondément imbriqué"),
        ('{"name": ' + "1" * 5000 + "}", "un nombre y est beaucoup trop long"),
        ("{pas du json", "JSON invalide, ligne 1, colonne 2 (nom de champ entre guillemets attendu)"),
    ],
    ids=["amount-1e309", "deep-nesting", "huge-integer", "syntax"],
)
def test_cli_ends_with_one_french_error_and_no_traceback(tmp_path, content, message):
    """Issue 12: « "amount": "1e309" » or a deeply nested JSON end with a French error, exit code 1, no traceback;
    issue 16: no « CommandError: » prefix."""
    if content == "absurd":
        data = plan_to_dict(demo_plan())
        data["uses"][0]["amount"] = "1e309"
        content = json.dumps(data)
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    done = _run_cli(str(path))
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr and "CommandError" not in done.stderr
    assert done.stdout == ""


def test_cli_missing_sheet_names_the_sheet_without_a_cell(tmp_path):
    """A workbook without its « Paramètres » sheet: « Feuille « Paramètres » : … », never « cellule None »."""
    from openpyxl import load_workbook

    from essaim.financing.xlsx import plan_to_xlsx

    path = tmp_path / "plan.xlsx"
    path.write_bytes(plan_to_xlsx(demo_plan()))
    book = load_workbook(path)
    del book["Paramètres"]
    book.save(path)
    done = _run_cli(str(path))
    assert done.returncode == 1
    assert "Feuille « Paramètres » : feuille absente du classeur" in done.stderr
    assert "None" not in done.stderr and "CommandError" not in done.stderr
