import copy

from essaim.financing.comparison import ADDED, CHANGED, REMOVED, compare_contents
from financing_engine import demo_plan, plan_to_dict


def _base():
    return plan_to_dict(demo_plan())


def test_identical_contents_have_no_difference():
    """Two identical plans compare equal."""
    assert compare_contents(_base(), _base()) == []


def test_changed_added_and_removed_lines():
    """Changed, added and removed lines come with their old and new amounts and changed fields."""
    old, new = _base(), _base()
    new["sources"][4]["amount"] = "150000.00"
    new["sources"][4]["loan"]["deferral_months"] = 24
    new["uses"].append({**copy.deepcopy(new["uses"][0]), "label": "Tour numérique", "amount": "45000.00"})
    del new["uses"][3]  # vehicle
    differences = {(d.section, d.change): d for d in compare_contents(old, new)}
    changed = differences[("sources", CHANGED)]
    assert (str(changed.old_amount), str(changed.new_amount), str(changed.delta)) == (
        "130000.00",
        "150000.00",
        "20000.00",
    )
    assert {f.field for f in changed.fields} == {"amount", "loan.deferral_months"}
    assert differences[("uses", ADDED)].new_amount == 45000
    assert differences[("uses", ADDED)].line.startswith("Tour numérique")
    assert differences[("uses", REMOVED)].old_amount == 20000
    assert differences[("uses", REMOVED)].change_label == "supprimée"


def test_reordering_lines_is_not_a_change():
    """Lines are matched by nature and label, not by position."""
    old, new = _base(), _base()
    new["uses"].reverse()
    assert compare_contents(old, new) == []


def test_years_and_parameters():
    """School years compare field by field; plan parameters form one line."""
    old, new = _base(), _base()
    new["operating"]["years"][2]["rent"] = "30000.00"
    new["cash_floor"] = "25000.00"
    differences = compare_contents(old, new)
    assert [(d.section, d.line) for d in differences] == [("parameters", "Paramètres du plan"), ("years", "Année 3")]
    assert differences[1].fields[0].label == "loyer"
    assert differences[1].new_amount - differences[1].old_amount == differences[1].delta


def test_changed_values_read_in_french_formats():
    """Amounts 96 000,00 €, rates 1,5 %, months as MM/YYYY from the plan's start (issue 17)."""
    import datetime as dt

    from essaim.financing.comparison import display_value

    start = dt.date(2027, 9, 1)
    assert display_value("amount", "96000.00", start) == "96\u202f000,00\u00a0€"
    assert display_value("loan.annual_rate", "0.015", start) == "1,5\u00a0%"
    assert display_value("loan.annual_rate", "0.01", start) == "1,0\u00a0%"
    assert display_value("month", 2, start) == "11/2027"
    assert display_value("month", 3, start) == "12/2027"
    assert display_value("recoverable_vat", True, start) == "oui"
    assert display_value("amount", None, start) == "—"
    assert display_value("amount", "abc", start) == "abc"
