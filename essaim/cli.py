"""The `essaim` command: Django's management commands, with the project's own listed first.

`essaim --help` lists the commands that Essaim adds; every Django command works too
(`essaim migrate`, `essaim check --deploy`, …).
"""

from __future__ import annotations

import os
import sys


def _essaim_commands() -> list[tuple[str, str]]:
    from django.core.management import get_commands, load_command_class

    rows = []
    for name, app in sorted(get_commands().items()):
        if app.startswith("essaim."):
            command = load_command_class(app, name)
            rows.append((name, (command.help or "").strip().splitlines()[0] if command.help else ""))
    return rows


def print_help() -> None:
    print("Usage : essaim <commande> [options]\n")
    print("Commandes d'Essaim :")
    for name, help_text in _essaim_commands():
        print(f"  {name:<22} {help_text}")
    print("\nToutes les commandes de Django sont aussi disponibles (essaim help --commands),")
    print("par exemple : essaim migrate, essaim runserver, essaim check --deploy.")
    print("Aide d'une commande : essaim <commande> --help")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings: a bad environment variable stops here
    except ImproperlyConfigured as error:
        print(f"Configuration invalide : {error}", file=sys.stderr)
        return 2

    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        django.setup()
        print_help()
        return 0
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
