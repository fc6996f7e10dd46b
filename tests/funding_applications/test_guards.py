"""Guards of the workflow: required documents, frozen plan intact, the BdT deposit rule, disbursements."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from essaim.financing.models import FinancingPlanVersion
from essaim.financing.services import financing_plan_create
from essaim.funding_applications import services
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.models import FundingApplication
from essaim.funding_applications.workflow import has_local_authority_investment_grant
from financing_engine import demo_plan, plan_to_dict
from tests.funding_applications.factories import (
    advance,
    create_application,
    frozen_version,
    plan_without_local_grant,
)

pytestmark = pytest.mark.django_db


def test_local_authority_grant_is_read_through_the_engine():
    """The demo plan has Région and EPCI investment grants; the variant without them has none."""
    assert has_local_authority_investment_grant(plan_to_dict(demo_plan()))
    assert not has_local_authority_investment_grant(plan_to_dict(plan_without_local_grant()))


def test_submit_needs_the_required_documents(fa):
    """Submitting to FNEP is refused while a document required for the funder is missing."""
    with pytest.raises(services.ApplicationError, match="Pièces obligatoires manquantes pour ce financeur : Statuts"):
        services.funding_application_submit(application=fa.application, by=fa.users["holder"])
    assert fa.application.state == S.DRAFT


def test_deposit_to_bdt_refused_without_local_authority_grant(fa):
    """FNEP cannot deposit with the BdT a plan without a local-authority investment grant line (French reason)."""
    version = frozen_version(fa.project, user=fa.users["holder"], local_grant=False, name="Sans collectivité")
    application = create_application(
        project=fa.project, funder=fa.orgs["bdt"], by=fa.users["holder"], plan_version=version
    )
    advance(application, until=S.FNEP_VALIDATED, actors=fa.actors)
    with pytest.raises(services.ApplicationError) as error:
        services.funding_application_deposit(application=application, by=fa.users["fnep"])
    assert "Banque des Territoires" in str(error.value)
    assert "aucune subvention d'investissement d'une collectivité" in str(error.value)
    application.refresh_from_db()
    assert application.state == S.FNEP_VALIDATED and application.deposited_at is None


def test_deposit_rule_only_applies_to_the_bdt(fa):
    """The same plan may be deposited with the Région (the rule is the BdT's)."""
    version = frozen_version(fa.project, user=fa.users["holder"], local_grant=False, name="Sans collectivité")
    application = create_application(
        project=fa.project, funder=fa.orgs["region"], by=fa.users["holder"], plan_version=version
    )
    advance(application, until=S.DEPOSITED, actors=fa.actors)


def test_deposit_to_bdt_requires_fnep_validation(fa):
    """Even forced into « validé » without FNEP's validation date, the deposit is refused."""
    advance(fa.application, until=S.SUBMITTED_TO_FNEP, actors=fa.actors)
    FundingApplication.objects.filter(pk=fa.application.pk).update(state=S.FNEP_VALIDATED)
    fa.application.refresh_from_db()
    with pytest.raises(services.ApplicationError, match="la FNEP n'a pas validé le plan"):
        services.funding_application_deposit(application=fa.application, by=fa.users["fnep"])


def test_altered_frozen_plan_blocks_validation(fa):
    """If a frozen plan's content no longer matches its hash, FNEP cannot validate nor deposit it."""
    advance(fa.application, until=S.SUBMITTED_TO_FNEP, actors=fa.actors)
    version = fa.application.plan_version
    content = dict(version.content, name="Modifié en douce")
    FinancingPlanVersion.objects.filter(pk=version.pk).update(content=content)
    fa.application.refresh_from_db()
    with pytest.raises(services.ApplicationError, match="ne correspond plus à son empreinte"):
        services.funding_application_validate(application=fa.application, by=fa.users["fnep"])


def test_only_a_frozen_version_can_be_attached(fa):
    """A draft plan version is refused; a version of another project too."""
    plan = financing_plan_create(project=fa.project, name="Brouillon", user=fa.users["holder"])
    with pytest.raises(services.ApplicationError, match="version soumise"):
        create_application(
            project=fa.project, funder=fa.orgs["bdt"], by=fa.users["holder"], plan_version=plan.versions.get()
        )
    foreign = frozen_version(fa.other_project, user=fa.users["other_holder"])
    with pytest.raises(ValidationError, match="autre projet"):
        create_application(project=fa.project, funder=fa.orgs["bdt"], by=fa.users["holder"], plan_version=foreign)


def test_only_holder_writers_create_dossiers(fa):
    """FNEP, the BdT, a reader of the holder and another holder cannot create a dossier for project A."""
    for user in ("fnep", "bdt", "holder_reader", "other_holder"):
        with pytest.raises(services.ApplicationPermissionError):
            create_application(
                project=fa.project, funder=fa.orgs["bdt"], by=fa.users[user], plan_version=fa.application.plan_version
            )


def test_disbursements_never_exceed_the_decided_amount(fa):
    """Tranches add up to at most the decided amount (service check, then the database check)."""
    advance(fa.application, until=S.CONVENTION_SIGNED, actors=fa.actors)
    bdt = fa.users["bdt"]
    services.funding_application_disbursement_record(
        application=fa.application, amount=Decimal("60000"), paid_date=dt.date(2026, 11, 15), by=bdt
    )
    with pytest.raises(services.ApplicationError, match="au-delà du montant accordé"):
        services.funding_application_disbursement_record(
            application=fa.application, amount=Decimal("60000.01"), paid_date=dt.date(2026, 11, 20), by=bdt
        )
    services.funding_application_disbursement_record(
        application=fa.application, amount=Decimal("60000"), paid_date=dt.date(2026, 11, 20), by=bdt
    )
    fa.application.refresh_from_db()
    assert fa.application.disbursed_amount == fa.application.decided_amount == Decimal("120000")
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingApplication.objects.filter(pk=fa.application.pk).update(disbursed_amount=Decimal("120000.01"))


def test_disbursements_only_after_convention_by_the_funder(fa):
    """No tranche before the convention is signed, nor by FNEP or the holder."""
    advance(fa.application, until=S.GRANTED, actors=fa.actors)
    for user in ("bdt", "fnep", "holder"):
        with pytest.raises(services.ApplicationPermissionError):
            services.funding_application_disbursement_record(
                application=fa.application, amount=Decimal("1"), paid_date=dt.date(2026, 11, 2), by=fa.users[user]
            )


def test_database_refuses_a_granted_dossier_without_amount(fa):
    """The check constraint holds even outside the services."""
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingApplication.objects.filter(pk=fa.application.pk).update(state=S.GRANTED, decided_amount=None)
