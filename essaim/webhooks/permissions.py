"""Who manages webhooks: the administrateurs of the organisation they act for (its endpoints only)."""

import rules

from essaim.organizations.permissions import has_admin_role

rules.add_perm("webhooks.manage", has_admin_role)
