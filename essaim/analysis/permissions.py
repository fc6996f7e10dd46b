"""Who may use the opportunity analysis and who writes scoring profiles. Each predicate states its rule.

* ``analysis.use``: the analysis (scores, map, site selection, exports, profiles list) is a steering
  tool built on public data. Programme partners (Région, Banque des Territoires, FNEP), collectivités
  (they prepare the territorial side of a project) and platform administrators use it. Project holders,
  companies and other organisations do not: scores are the funders' working hypotheses, not decisions,
  and would be misread as such in a project file.
* ``analysis.view_profile``: among those, everyone reads and uses the shared profiles and the profiles
  of the organisation they act for (lecteurs included); platform administrators read every profile.
* ``analysis.add_profile``: administrateurs and membres of the Région or of the Banque des Territoires
  create profiles, owned by their organisation.
* ``analysis.change_profile``: the same people edit the profiles of their own organisation. The
  « Profil de référence » belongs to no organisation: nobody edits it in the interface (its weights are
  documented in docs/analysis.md and changed through a reviewed data migration).
"""

import rules

from essaim.organizations.enums import OrganizationKind
from essaim.organizations.permissions import (
    acts_as,
    acts_for_programme_partner,
    current_organization,
    has_write_role,
    is_platform_admin,
)

acts_for_collectivite = acts_as(OrganizationKind.COLLECTIVITE)
acts_for_profile_author = acts_as(OrganizationKind.REGION, OrganizationKind.BANQUE_DES_TERRITOIRES)


@rules.predicate
def owns_profile(user, profile):
    """The profile belongs to the organisation the user currently acts for."""
    organization = current_organization(user)
    return organization is not None and profile is not None and profile.owner_id == organization.pk


@rules.predicate
def profile_is_shared(user, profile):
    """A shared profile (the reference profile is shared) is read and used by every analysis user."""
    return profile is not None and profile.is_shared


# Programme partners, collectivités and platform administrators use the analysis (public data).
can_use_analysis = is_platform_admin | acts_for_programme_partner | acts_for_collectivite
# Shared profiles and one's own organisation's; platform administrators read them all.
can_view_profile = can_use_analysis & (is_platform_admin | profile_is_shared | owns_profile)
# Région and Banque des Territoires, administrateur or membre (lecteurs only read).
can_add_profile = acts_for_profile_author & has_write_role
# The same, on the profiles of their own organisation only (never the reference profile).
can_change_profile = can_add_profile & owns_profile

rules.add_perm("analysis.use", can_use_analysis)
rules.add_perm("analysis.view_profile", can_view_profile)
rules.add_perm("analysis.add_profile", can_add_profile)
rules.add_perm("analysis.change_profile", can_change_profile)
