"""Matrix rows of the open-data pages: the funder's administrateurs manage the SCDL file; the published
file answers everyone, signed in or not."""

from essaim.open_data.models import GrantsPublication
from essaim.open_data.services import grants_publication_set
from tests.www.matrix.actors import ACTORS


def extend_world(world):
    grants_publication_set(organization=world["orgs"]["region"], is_published=True)


def snapshot():
    return {
        "publications": list(GrantsPublication.objects.order_by("pk").values_list("organization_id", "is_published"))
    }


ROWS = [
    ("open_data_grants", "open_data:grants", None, "get", None, {"region_admin"}),
    ("open_data_download", "open_data:grants_download", lambda w: {"fmt": "csv"}, "get", None, {"region_admin"}),
    ("open_data_publish", "open_data:grants_publish", None, "post", lambda w: {"publier": "non"}, {"region_admin"}),
    (
        "open_data_public_file",
        "open_data:public_grants",
        lambda w: {"uid": w["orgs"]["region"].uid, "fmt": "json"},
        "get",
        None,
        set(ACTORS),
    ),
]
