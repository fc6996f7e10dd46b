"""Who publishes a funder's grant conventions: the funder's administrateurs."""

import rules

from essaim.funding_applications.enums import FUNDER_KINDS
from essaim.organizations.permissions import acts_as, has_admin_role

rules.add_perm("open_data.manage_grants", acts_as(*FUNDER_KINDS) & has_admin_role)
