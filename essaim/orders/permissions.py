"""Who may see and do what with a school's customers, quotes, orders and invoices.

Rules reuse the school's (``essaim.schools.permissions``): the school's staff see everything of their
school; administrateurs and membres write; lecteurs read. The activity page (revenue per month, no
customer names) is also shown to the programme partners and platform administrators.
"""

import rules

from essaim.schools.permissions import can_manage_school, can_view_school_structure, is_school_staff

# Customers, prices, quotes, orders, invoices, payments (object = the school).
rules.add_perm("orders.view_orders", is_school_staff)
rules.add_perm("orders.manage_orders", can_manage_school)
# Revenue month by month against the plan (aggregated figures, no personal data).
rules.add_perm("orders.view_activity", can_view_school_structure)
