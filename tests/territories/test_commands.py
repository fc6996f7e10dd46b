from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.territories.models import Commune
from tests.territories import dataset

pytestmark = pytest.mark.django_db


def test_load_territories_prints_what_it_created_then_that_nothing_changed(tmp_path):
    """The command reports the counts per model, then « déjà à jour » on a second run."""
    dataset.write_dataset(tmp_path)
    first, second = StringIO(), StringIO()

    call_command("load_territories", data_dir=tmp_path, stdout=first)
    call_command("load_territories", data_dir=tmp_path, stdout=second)

    assert "Communes : 3 créé(s), 0 mis à jour, 0 inchangé(s)" in first.getvalue()
    assert "Territoires chargés" in first.getvalue()
    assert "Communes : 0 créé(s), 0 mis à jour, 3 inchangé(s)" in second.getvalue()
    assert "Territoires déjà à jour" in second.getvalue()


def test_load_territories_fails_with_the_french_message(tmp_path):
    """Bad data: CommandError (non-zero exit) with the file and line, nothing written."""
    csv_rows = dataset.rows()
    csv_rows["communes.csv"][0]["epci_siren"] = "000000000"
    dataset.write_dataset(tmp_path, csv_rows=csv_rows)

    with pytest.raises(CommandError, match=r"communes\.csv, ligne 2, colonne « epci_siren » : EPCI « 000000000 »"):
        call_command("load_territories", "--data-dir", str(tmp_path), stdout=StringIO())

    assert not Commune.objects.exists()


def test_load_territories_help_is_in_french():
    """The first line of the help is the one listed by ``essaim --help``."""
    from essaim.territories.management.commands.load_territories import Command

    assert Command.help.splitlines()[0] == (
        "Charge les territoires de référence (communes, EPCI, zones d'emploi, départements) depuis ESSAIM_DATA_DIR."
    )
