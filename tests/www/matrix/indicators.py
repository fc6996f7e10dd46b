"""Matrix rows of the indicators pages (catalogue, imports, trades' BMO codes)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.indicators.models import DataImport, TradeBmoCode
from essaim.trades.models import Trade
from tests.www.matrix import seen
from tests.www.matrix.actors import SIGNED_IN

MANAGERS = frozenset({"platform_admin", "region_admin"})


def extend_world(world):
    world["trade_code"] = TradeBmoCode.objects.create(
        trade=Trade.objects.get(slug="usinage"), job_code="D0X31", job_label="Usineurs qualifiés"
    )


def snapshot():
    return {
        "trade_bmo_codes": list(TradeBmoCode.objects.order_by("pk").values_list("trade_id", "job_code")),
        "data_imports": list(DataImport.objects.order_by("pk").values_list("kind", "sha256")),
    }


def _upload(world):
    content = "code_metier_bmo,nom_metier_bmo,filiere_projet\nG0B41,Mécaniciens,automobile\n".encode()
    return {
        "kind": "trade-bmo-codes",
        "file": SimpleUploadedFile("bmo_metiers_cibles.csv", content, content_type="text/csv"),
        "vintage": "",
    }


# (name, url name, kwargs builder, method, POST data builder, allowed actors[, target])
ROWS = [
    ("indicator_catalogue", "indicators:catalogue", None, "get", None, SIGNED_IN),
    ("indicator_import", "indicators:import", None, "get", None, MANAGERS),
    ("indicator_import_post", "indicators:import", None, "post", _upload, MANAGERS),
    ("trade_codes", "indicators:trade_codes", None, "get", None, SIGNED_IN),
    (
        "trade_code_add_post",
        "indicators:trade_code_add",
        None,
        "post",
        lambda w: {"trade": Trade.objects.get(slug="automobile").pk, "job_code": "G0B40", "job_label": "", "note": ""},
        MANAGERS,
    ),
    (
        "trade_code_delete_post",
        "indicators:trade_code_delete",
        lambda w: {"pk": w["trade_code"].pk},
        "post",
        lambda w: {},
        MANAGERS,
        seen("trade_code"),
    ),
]
