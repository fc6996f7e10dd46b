"""The partner workflow, as data: how a partner of a project's network moves between « contacté »,
« intéressé », « engagé » and « décliné », and who may move it (the holder's and the programme
partners' writers: ``can_manage_project_partner``).

The only way to change a partner's status is ``essaim.projects.services.project_partner_transition``,
which goes through ``essaim.common.workflow.transition``: it checks this table, locks the row, sets the
status date to the move's effective date and writes a ``ProjectPartnerTransition`` log line (who, for
which organisation, when, comment). See docs/projects-workflow.md, « Réseau de partenaires ».
"""

from __future__ import annotations

from essaim.common.workflow import LogFields, Transition, Workflow
from essaim.organizations.permissions import current_organization
from essaim.projects.enums import PartnerStatus
from essaim.projects.permissions import can_manage_project_partner, can_view_project_partner

MANAGERS = "le porteur, la Région, la Banque des Territoires ou la FNEP"
_ALL = {PartnerStatus.CONTACTED, PartnerStatus.INTERESTED, PartnerStatus.COMMITTED}


def _date_status(partner, context) -> None:
    partner.status_date = context.effective_date


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="interested",
        label="Intéressé",
        sources={PartnerStatus.CONTACTED},
        target=PartnerStatus.INTERESTED,
        who=can_manage_project_partner,
        who_label=MANAGERS,
        effect=_date_status,
        done="Le partenaire est marqué intéressé.",
    ),
    Transition(
        name="commit",
        label="Engagé",
        sources={PartnerStatus.CONTACTED, PartnerStatus.INTERESTED},
        target=PartnerStatus.COMMITTED,
        who=can_manage_project_partner,
        who_label=MANAGERS,
        effect=_date_status,
        done="Le partenaire est marqué engagé.",
    ),
    Transition(
        name="decline",
        label="Décliné",
        sources=_ALL,
        target=PartnerStatus.DECLINED,
        who=can_manage_project_partner,
        who_label=MANAGERS,
        effect=_date_status,
        done="Le partenaire est marqué comme ayant décliné.",
        style="danger",
    ),
    Transition(
        name="recontact",
        label="Recontacté",
        sources={PartnerStatus.DECLINED, PartnerStatus.INTERESTED, PartnerStatus.COMMITTED},
        target=PartnerStatus.CONTACTED,
        who=can_manage_project_partner,
        who_label=MANAGERS,
        effect=_date_status,
        done="Le partenaire est de nouveau à l'état « contacté ».",
        style="secondary",
    ),
)

WORKFLOW = Workflow(
    model="projects.ProjectPartner",
    states=PartnerStatus,
    transitions=TRANSITIONS,
    log_model="projects.ProjectPartnerTransition",
    log_fields=LogFields(object="partner", override_reason=None),
    permission_prefix="projects.partner",
    noun="le partenaire",
    visibility=can_view_project_partner,
    organization_of=current_organization,
)
