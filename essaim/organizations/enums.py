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


class HeadcountBand(models.TextChoices):
    """INSEE SIRENE ``trancheEffectifsEtablissement`` codes (salaried headcount band, official labels)."""

    NON_EMPLOYER = "NN", "Unité non employeuse"
    ZERO = "00", "0 salarié"
    FROM_1 = "01", "1 ou 2 salariés"
    FROM_3 = "02", "3 à 5 salariés"
    FROM_6 = "03", "6 à 9 salariés"
    FROM_10 = "11", "10 à 19 salariés"
    FROM_20 = "12", "20 à 49 salariés"
    FROM_50 = "21", "50 à 99 salariés"
    FROM_100 = "22", "100 à 199 salariés"
    FROM_200 = "31", "200 à 249 salariés"
    FROM_250 = "32", "250 à 499 salariés"
    FROM_500 = "41", "500 à 999 salariés"
    FROM_1000 = "42", "1 000 à 1 999 salariés"
    FROM_2000 = "51", "2 000 à 4 999 salariés"
    FROM_5000 = "52", "5 000 à 9 999 salariés"
    FROM_10000 = "53", "10 000 salariés et plus"
