"""Benchmark of the funding programmes: matching the whole catalogue for every project, and the
throughput of envelope decisions (each one locks the envelope row and reads its ledger).

Builds, in a throw-away database, the documented catalogue plus N extra programmes, P projects with a
financing plan each, then times:

* ``match_project`` for every project (all programmes each, plan read from its version);
* ``investment_mix`` for every project (the suggested combination, a small MILP solved by HiGHS);
* ``funding_line_grant`` on one envelope, D decisions in a row (lock, ledger sum, commitment);
* ``funding_totals`` over every line (one SQL query).

Run: ``.venv/bin/python bench/bench_funding_programmes.py [projects] [extra programmes] [decisions]``
(figures in docs/performance.md). Set DATABASE_URL to bench PostgreSQL.
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402


def main(projects: int, extra: int, decisions: int) -> None:
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        _run(projects, extra, decisions)
    finally:
        runner.teardown_databases(old)
        teardown_test_environment()


def _run(projects: int, extra: int, decisions: int) -> None:
    from django.db import connection

    from essaim.financing.services import financing_plan_create
    from essaim.funding_programmes import services
    from essaim.funding_programmes.catalogue import catalogue_load
    from essaim.funding_programmes.matching import base_labels, investment_mix, match_project, reference_version
    from essaim.funding_programmes.models import FundingLine, FundingProgramme
    from essaim.funding_programmes.selectors import funding_totals
    from essaim.organizations.enums import MembershipRole
    from essaim.trades.defaults import seed_default_trades
    from essaim.trades.models import Trade
    from tests.funding_programmes.factories import BudgetEnvelopeFactory, FundingLineFactory, FundingProgrammeFactory
    from tests.organizations.factories import MembershipFactory, OrganizationFactory
    from tests.projects.factories import ProjectFactory
    from tests.territories.factories import CommuneFactory, DepartmentFactory

    seed_default_trades(Trade)
    departments = [DepartmentFactory(code=code) for code in ("02", "59", "60", "62", "80")]
    communes = [CommuneFactory(department=departments[i % 5]) for i in range(20)]
    region = OrganizationFactory(region=True)
    catalogue_load()
    for index in range(extra):
        programme = FundingProgrammeFactory(funder=region, department_codes=[departments[index % 5].code])
        BudgetEnvelopeFactory(programme=programme, allocated_amount=Decimal("1000000"))
    project_list = []
    for index in range(projects):
        project = ProjectFactory(commune=communes[index % 20], stage="financing_plan")
        financing_plan_create(project=project, name="Plan")
        project_list.append(project)
    programmes = list(FundingProgramme.objects.select_related("funder"))
    labels = base_labels()

    start = time.perf_counter()
    all_matches = []
    for project in project_list:
        matches = match_project(project, programmes=programmes, labels=labels, today=dt.date(2026, 11, 26))
        all_matches.append((matches, reference_version(project)))
    matching = time.perf_counter() - start
    start = time.perf_counter()
    mixes = [investment_mix(matches, version) for matches, version in all_matches]
    mixing = time.perf_counter() - start
    candidates = max(len(m.result.lines) + len(m.result.left_out) for m in mixes if m is not None)

    reviewer = MembershipFactory(organization=region, role=MembershipRole.MEMBER).user
    programme = FundingProgrammeFactory(funder=region)
    envelope = BudgetEnvelopeFactory(programme=programme, allocated_amount=Decimal(decisions) * 1000)
    lines = [
        FundingLineFactory(project=project_list[i % projects], funder=region, programme=programme, envelope=envelope)
        for i in range(decisions)
    ]
    start = time.perf_counter()
    for line in lines:
        services.funding_line_grant(
            line=line, granted_amount=Decimal("1000"), decision_date=dt.date(2026, 11, 26), by=reviewer
        )
    granting = time.perf_counter() - start
    start = time.perf_counter()
    rows = funding_totals(lines=FundingLine.objects.all())
    totals = time.perf_counter() - start

    print(f"Base : {connection.vendor}")
    print("| Étape | Volume | Temps |")
    print("|---|---|---|")
    print(
        f"| éligibilité (`match_project`) | {projects} projets × {len(programmes)} dispositifs | "
        f"{matching:.2f} s ({1000 * matching / projects:.1f} ms par projet) |"
    )
    print(
        f"| combinaison suggérée (`investment_mix`, MILP HiGHS) | {projects} projets, jusqu'à {candidates} "
        f"dispositifs candidats | {mixing:.2f} s ({1000 * mixing / projects:.1f} ms par projet) |"
    )
    print(
        f"| décisions sur une enveloppe (`funding_line_grant`) | {decisions} décisions | "
        f"{granting:.2f} s ({decisions / granting:.0f} décisions/s) |"
    )
    print(
        f"| totaux par financeur (`funding_totals`, 1 requête) | {FundingLine.objects.count()} lignes, "
        f"{len(rows)} rangs | {1000 * totals:.1f} ms |"
    )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [100, 40, 200][len(args) :]))
