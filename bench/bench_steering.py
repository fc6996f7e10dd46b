"""Benchmark of the steering dashboard data and of the steering-committee report (PDF and XLSX).

Builds a programme of N projects (each with 6 logged moves, 2 funding lines) and M open schools in a
throw-away database, then times ``steering_overview``, ``report_workbook`` and ``report_pdf`` for
the région. ``--demo`` times them on the demo content instead (reference territories + ``demo_load``, as
``make run`` loads them). Run: ``.venv/bin/python bench/bench_steering.py [projects | --demo]`` (figures
in docs/performance.md); the PDF is timed on its first run in
the process (WeasyPrint loads its fonts) and as the best of 3 runs.
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def main(count: int | None) -> None:
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        _run_demo() if count is None else _run(count)
    finally:
        runner.teardown_databases(old)
        teardown_test_environment()


def _run(count: int) -> None:
    from essaim.funding_programmes.enums import ProgrammeKind
    from essaim.funding_programmes.models import FundingLine, FundingProgramme
    from essaim.projects.models import Project, ProjectTrade, ProjectTransition
    from essaim.projects.workflow import SEQUENCE
    from essaim.schools.models import ProductionSchool
    from essaim.trades.defaults import seed_default_trades
    from essaim.trades.models import Trade
    from tests.organizations.factories import MembershipFactory, OrganizationFactory
    from tests.territories.factories import CommuneFactory, DepartmentFactory

    seed_default_trades(Trade)
    trade = Trade.objects.first()
    departments = [DepartmentFactory(code=code, with_contour=True) for code in ("02", "59", "60", "62", "80")]
    communes = [CommuneFactory(department=departments[i % 5]) for i in range(40)]
    region, bdt = OrganizationFactory(region=True), OrganizationFactory(bdt=True)
    holder = OrganizationFactory()
    user = MembershipFactory(organization=region).user
    loan = FundingProgramme.objects.create(name="Prêt", slug="pret", funder=bdt, kind=ProgrammeKind.SUBORDINATED_LOAN)
    grant = FundingProgramme.objects.create(name="Subvention", slug="sub", funder=region, kind="investment_grant")
    start = timezone.make_aware(dt.datetime(2022, 1, 3))
    for index in range(count):
        project = Project.objects.create(
            name=f"Projet {index}", holder=holder, commune=communes[index % 40], stage=SEQUENCE[index % 7]
        )
        ProjectTrade.objects.create(project=project, trade=trade, places=12)
        moment = start + dt.timedelta(days=index)
        ProjectTransition.objects.create(project=project, from_stage="", to_stage=SEQUENCE[0], at=moment)
        for step in range(index % 7):
            moment += dt.timedelta(days=120)
            ProjectTransition.objects.create(
                project=project, from_stage=SEQUENCE[step], to_stage=SEQUENCE[step + 1], at=moment
            )
        for funder, programme in ((bdt, loan), (region, grant)):
            FundingLine.objects.create(
                project=project,
                funder=funder,
                programme=programme,
                status="granted",
                requested_amount=Decimal(150000),
                granted_amount=Decimal(150000),
                requested_date=dt.date(2024, 1, 1),
                decision_date=dt.date(2024, 6, 1),
            )
    for index in range(count // 10):
        ProductionSchool.objects.create(
            name=f"École {index}", commune=communes[index % 40], opening_year=2020 + index % 6, sources="x"
        )
    _measure(user)


def _run_demo() -> None:
    from django.conf import settings

    from essaim.accounts.models import User
    from essaim.demo.services import demo_load
    from essaim.territories.services import territories_load

    territories_load(data_dir=settings.ESSAIM_DATA_DIR)
    demo_load()
    print("Démonstration (territoires de référence + contenu de démonstration)")
    _measure(User.objects.get(email="region@essaim.demo"))


def _measure(user) -> None:
    from essaim.funding_programmes.models import FundingLine
    from essaim.steering.reports import report_pdf, report_workbook
    from essaim.steering.selectors import REGION_SCOPE, steering_overview

    on = timezone.localdate()
    timings = {}
    begin = time.perf_counter()
    overview = steering_overview(user=user, scope=REGION_SCOPE, on=on)
    timings["tableau de bord (données)"] = time.perf_counter() - begin
    begin = time.perf_counter()
    workbook = report_workbook(steering_overview(user=user, scope=REGION_SCOPE, on=on))
    timings["rapport XLSX (données comprises)"] = time.perf_counter() - begin
    runs = []
    for _ in range(3):
        begin = time.perf_counter()
        pdf = report_pdf(steering_overview(user=user, scope=REGION_SCOPE, on=on))
        runs.append(time.perf_counter() - begin)
    timings["rapport PDF, 1er appel du processus"] = runs[0]
    timings["rapport PDF (données comprises)"] = min(runs)
    print(
        f"{len(overview.projects)} projets, {len(overview.schools)} écoles, "
        f"{FundingLine.objects.count()} lignes de financement"
    )
    for label, seconds in timings.items():
        print(f"  {label:35s} {seconds:6.2f} s")
    print(f"  XLSX {len(workbook) // 1024} ko, PDF {len(pdf) // 1024} ko")


if __name__ == "__main__":
    argument = sys.argv[1] if len(sys.argv) > 1 else "100"
    main(None if argument == "--demo" else int(argument))
