"""Excel round trip of a financing plan: export with live formulas, import with located French errors.

* :func:`plan_to_xlsx` (:mod:`.writer`) writes a workbook whose inputs are typed cells and whose
  computed figures are Excel formulas (layout: ``docs/plan-workbook.md``, constants: :mod:`.layout`).
* :func:`plan_from_xlsx` (:mod:`.reader`) reads the input cells of that layout back into a
  :class:`~financing_engine.PlanInput`, or raises :class:`WorkbookError` listing every problem with
  its sheet, cell and a French reason, before anything is built.

Pure Python (openpyxl + the financing engine), no Django import.
"""

from essaim.financing.xlsx.reader import WorkbookError, WorkbookIssue, plan_from_xlsx
from essaim.financing.xlsx.writer import XLSX_CONTENT_TYPE, plan_to_xlsx

__all__ = ["XLSX_CONTENT_TYPE", "WorkbookError", "WorkbookIssue", "plan_from_xlsx", "plan_to_xlsx"]
