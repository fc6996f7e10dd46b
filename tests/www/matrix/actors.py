"""The actors of the permission matrix (one user per role and kind of organisation)."""

ACTORS = [
    "anonymous",
    "platform_admin",
    "region_admin",
    "region_reader",
    "bdt_member",
    "fnep_member",
    "collectivite_member",
    "holder_a_admin",
    "holder_a_reader",
    "holder_b_member",
    "company_member",
    "no_organization",
]
SIGNED_IN = frozenset(ACTORS) - {"anonymous"}
PARTNERS = frozenset({"region_admin", "region_reader", "bdt_member", "fnep_member"})
