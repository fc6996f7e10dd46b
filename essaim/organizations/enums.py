from django.db import models


class OrganizationKind(models.TextChoices):
    """What an organisation is; it decides what its members may see and do (see permissions.py)."""

    REGION = "region", "Région"
    BANQUE_DES_TERRITOIRES = "banque_des_territoires", "Banque des Territoires"
    FEDERATION = "federation", "Fédération (FNEP)"
    COLLECTIVITE = "collectivite", "Collectivité"
    PROJECT_HOLDER = "project_holder", "Porteur de projet / école de production"
    COMPANY = "company", "Entreprise"
    CFA = "cfa", "CFA"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    OTHER_FUNDER = "other_funder", "Autre financeur"


# The programme's steering partners see the whole programme (written rule, see permissions.py).
PROGRAMME_PARTNER_KINDS = frozenset(
    {OrganizationKind.REGION, OrganizationKind.BANQUE_DES_TERRITOIRES, OrganizationKind.FEDERATION}
)


class CollectiviteLevel(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTMENT = "department", "Département"


class MembershipRole(models.TextChoices):
    ADMIN = "admin", "Administrateur"
    MEMBER = "member", "Membre"
    READER = "reader", "Lecteur"
