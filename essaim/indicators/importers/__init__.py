"""One importer per source; ``IMPORTERS`` maps each ``ImportKind`` to its class (see ``services.import_file``)."""

from essaim.indicators.importers.base import DataImportError, Importer, ImportReport
from essaim.indicators.importers.cfa import CfaImporter
from essaim.indicators.importers.industry_territories import IndustryTerritoriesImporter
from essaim.indicators.importers.insee_rp import RpDiplomasImporter, RpEmploymentImporter
from essaim.indicators.importers.insee_unemployment import UnemploymentZeImporter
from essaim.indicators.importers.production_schools import ProductionSchoolsImporter
from essaim.indicators.importers.qpv import QpvImporter
from essaim.indicators.importers.reference import (
    BmoBasinsImporter,
    BmoImporter,
    NeetImporter,
    PopulationsImporter,
    TradeBmoCodesImporter,
)

IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (
        PopulationsImporter,
        NeetImporter,
        BmoBasinsImporter,
        BmoImporter,
        TradeBmoCodesImporter,
        RpDiplomasImporter,
        RpEmploymentImporter,
        UnemploymentZeImporter,
        IndustryTerritoriesImporter,
        QpvImporter,
        CfaImporter,
        ProductionSchoolsImporter,
    )
}

__all__ = ["IMPORTERS", "DataImportError", "ImportReport", "Importer"]
