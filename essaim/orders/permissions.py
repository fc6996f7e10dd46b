"""Who may see and do what with a school's customers, quotes, orders and invoices.

Rules reuse the school's (``essaim.schools.permissions``): the school's staff see everything of their
school; administrateurs and membres write; lecteurs read. The activity page (revenue per month, no
customer names) is also shown to the programme partners and platform administrators.
"""

import rules

from essaim.organizations.permissions import has_write_role
from essaim.schools.permissions import can_manage_school, can_view_school_structure, is_school_staff

# Customers, prices, quotes, orders, invoices, payments (object = the school).
rules.add_perm("orders.view_orders", is_school_staff)
rules.add_perm("orders.manage_orders", can_manage_school)
# Revenue month by month against the plan (aggregated figures, no personal data).
rules.add_perm("orders.view_activity", can_view_school_structure)


@rules.predicate
def is_document_school_staff(user, document):
    """The user acts for the school that owns the quote, order or invoice (its staff)."""
    return document is not None and is_school_staff.test(user, document.school)


# Administrateurs and membres of the school send quotes, record the customer's answer, issue invoices,
# cancel them by a credit note and record payments: the workflows' « who » (orders/workflow.py).
can_manage_document = is_document_school_staff & has_write_role
