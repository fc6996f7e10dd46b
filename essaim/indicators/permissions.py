"""Who may import indicator files and edit the trades' BMO codes.

Reading indicators (catalogue, values, layers) is open to every signed-in user: it is public
reference data (``PublicReferenceQuerySet.visible_to``).

Written rule: platform administrators, and the administrateurs of the Région and of the Banque des
Territoires (who fund the programme and answer for the figures its scores rest on), maintain the
indicators: they import files and edit the trades' BMO codes.
"""

import rules

from essaim.organizations.enums import OrganizationKind
from essaim.organizations.permissions import acts_as, has_admin_role, is_platform_admin

can_manage_indicators = is_platform_admin | (
    acts_as(OrganizationKind.REGION, OrganizationKind.BANQUE_DES_TERRITOIRES) & has_admin_role
)

rules.add_perm("indicators.import_data", can_manage_indicators)
rules.add_perm("indicators.edit_trade_codes", can_manage_indicators)
