"""Who steers the programme. Each predicate states its rule."""

import rules

from essaim.organizations.enums import OrganizationKind
from essaim.organizations.permissions import (
    acts_as,
    acts_for_programme_partner,
    has_admin_role,
    is_platform_admin,
)

# The steering dashboard and the steering-committee report: the Région, the Banque des Territoires and
# FNEP see the whole programme; a collectivité sees it for its own territory (its projects through
# ``Project.objects.visible_to``); platform administrators too. Lecteurs read. Holders, companies and
# the other kinds of organisation have no steering view (403).
can_view_dashboard = is_platform_admin | acts_for_programme_partner | acts_as(OrganizationKind.COLLECTIVITE)

# The objectives are the partners' commitments: only the administrateurs of the Région, the Banque
# des Territoires or FNEP create, change and delete them (platform administrators through the admin).
can_manage_objectives = acts_for_programme_partner & has_admin_role

rules.add_perm("steering.view_dashboard", can_view_dashboard)
rules.add_perm("steering.manage_objectives", can_manage_objectives)


@rules.predicate
def issued_report_visible(user, report):
    """Same rule as ``IssuedReport.objects.visible_to``: partners and platform administrators read every
    issued report; another organisation the ones it issued."""
    from essaim.steering.models import IssuedReport

    return report is not None and IssuedReport.objects.visible_to(user).filter(pk=report.pk).exists()


# Issued reports are read (downloaded exactly as issued, compared with today's figures) by those who
# see the dashboard, within the reports' own rule.
rules.add_perm("steering.view_issued_reports", can_view_dashboard)
rules.add_perm("steering.view_issued_report", can_view_dashboard & issued_report_visible)
