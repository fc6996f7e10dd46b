"""`essaim plan evaluate FILE [--format json]`: evaluate a financing plan from a file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from essaim.common.formats import format_date, format_euros, format_percent
from financing_engine import PlanInputError, Severity, evaluate_plan, plan_from_dict, result_to_dict


def _month(day) -> str:
    return f"{day.month:02d}/{day.year}"


def read_plan(path: Path):
    """PlanInput from a .json (docs/plan-schema.json) or .xlsx file; CommandError in French otherwise."""
    if not path.exists():
        raise CommandError(f"Fichier introuvable : {path}")
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise CommandError(f"{path} : le fichier n'est pas du texte UTF-8.") from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} : JSON invalide, ligne {error.lineno}, colonne {error.colno} ({_json_reason(error.msg)})."
            ) from None
        except RecursionError:
            raise CommandError(f"{path} : JSON trop profondément imbriqué pour être un plan.") from None
        except ValueError:  # e.g. an integer of more than 4 300 digits
            raise CommandError(f"{path} : JSON invalide (un nombre y est beaucoup trop long).") from None
        if not isinstance(data, dict):
            raise CommandError(f"{path} : le JSON doit contenir un objet (le plan), voir docs/plan-schema.json.")
        try:
            return plan_from_dict(data)
        except PlanInputError as error:
            lines = [f"  {problem}" for problem in error.errors]
            raise CommandError(f"{path} : plan invalide ({len(lines)} erreur(s)) :\n" + "\n".join(lines)) from None
    if suffix == ".xlsx":
        from essaim.financing.xlsx import WorkbookError, plan_from_xlsx

        try:
            with path.open("rb") as handle:
                return plan_from_xlsx(handle)
        except WorkbookError as error:
            lines = [f"  {issue}" for issue in error.issues]
            raise CommandError(f"{path} : classeur invalide ({len(lines)} erreur(s)) :\n" + "\n".join(lines)) from None
    raise CommandError(f"{path} : format non reconnu ; fichiers acceptés : .json (docs/plan-schema.json) ou .xlsx.")


_JSON_REASONS = {
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": "nom de champ entre guillemets attendu",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Unterminated string starting at": "texte non terminé",
    "Extra data": "contenu en trop après le plan",
    "Invalid control character at": "caractère de contrôle interdit",
}


def _json_reason(message: str) -> str:
    """The JSON parser's reason in French (it speaks English)."""
    return _JSON_REASONS.get(message, "syntaxe incorrecte")


def render_text(plan, result) -> str:
    """The French, human-readable report of an evaluated plan."""
    inv, wcr, cash = result.investment, result.working_capital, result.cash
    out = [
        f"Plan de financement : {plan.name}",
        f"Début : {format_date(plan.start_date)} — horizon : {plan.horizon_years} années scolaires "
        f"({plan.months} mois)",
        "",
        "Plan d'investissement",
        f"  Emplois     {format_euros(inv.total_uses):>18}",
        f"  Ressources  {format_euros(inv.total_sources):>18}",
        f"  Écart       {format_euros(inv.gap):>18}  "
        + ("(équilibré)" if inv.is_balanced else "(besoin non financé)" if inv.gap < 0 else "(excédent)"),
        "",
        "Budgets de fonctionnement",
    ]
    for year in result.years:
        label = year.label[:1].upper() + year.label[1:]
        out.append(
            f"  {label:<22} jeunes {year.youths:>3}  produits {format_euros(year.total_revenues):>16}  "
            f"charges {format_euros(year.total_expenses):>16}  résultat {format_euros(year.result):>16}"
        )
    lowest = cash.months[cash.lowest_closing_month]
    out += [
        "",
        "Trésorerie et besoin en fonds de roulement",
        f"  Point bas sans prêt            {format_euros(wcr.trough_amount):>18} en {_month(wcr.trough_date)}",
        f"  Point bas avec les prêts       {format_euros(lowest.closing):>18} en {_month(lowest.date)}",
        f"  Plancher de sécurité           {format_euros(wcr.cash_floor):>18}",
        f"  Besoin en fonds de roulement   {format_euros(wcr.requirement):>18}",
        "  Prêt nécessaire                "
        + (f"{format_euros(wcr.loan_needed):>18}" if wcr.loan_needed is not None else "aucun prêt ne suffit"),
    ]
    if result.loans:
        out += ["", "Prêts"]
        for loan in result.loans:
            terms = loan.terms
            out.append(
                f"  {loan.label} : {format_euros(loan.amount)}, {terms.duration_months} mois dont "
                f"{terms.deferral_months} de différé, taux {format_percent(terms.annual_rate, 2)} ; "
                f"intérêts {format_euros(loan.total_interest)}"
            )
    out += ["", "Règles"]
    if not result.rules:
        out.append("  Toutes les règles sont respectées.")
    for rule in sorted(result.rules, key=lambda r: r.severity is not Severity.BLOCKING):
        out.append(f"  [{rule.severity.value}] {rule.message}")
    out.append("")
    out.append("Plan bloqué : au moins une règle bloquante." if result.is_blocked else "Aucune règle bloquante.")
    return "\n".join(out)


class _ReportedError(Exception):
    """A CommandError to print without Django's « CommandError: » prefix."""


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Évalue un plan de financement (fichier .json ou .xlsx) : équilibre, budgets, trésorerie, prêts, règles.\n"
        "Usage : essaim plan evaluate FICHIER [--format json]. Le JSON suit docs/plan-schema.json ; "
        "--format json écrit le résultat complet (montants en chaînes à deux décimales)."
    )

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True, metavar="evaluate")
        evaluate = subcommands.add_parser(
            "evaluate", help="Évaluer un plan de financement", description="Évaluer un plan de financement."
        )
        evaluate.add_argument("file", metavar="FICHIER", help="Plan au format .json ou .xlsx")
        evaluate.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="text (par défaut, lisible) ou json (pour les programmes)",
        )

    def run_from_argv(self, argv):
        """From the command line, an error is one French message on stderr and exit code 1.

        Django would print it as « CommandError: … », a Python class name users need not read.
        """
        try:
            super().run_from_argv(argv)
        except _ReportedError as error:
            self.stderr.write(str(error.__cause__ or error))
            sys.exit(1)

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            if getattr(self, "_called_from_command_line", False):
                raise _ReportedError() from error
            raise

    def handle(self, *args, **options):
        plan = read_plan(Path(options["file"]))
        result = evaluate_plan(plan)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result_to_dict(result), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_text(plan, result))
