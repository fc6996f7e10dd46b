"""Recalculate workbooks with LibreOffice headless (``soffice``), as a user opening them would.

One ``soffice --convert-to xlsx`` call converts several files at once, in a throw-away profile whose
configuration forces the recalculation of every formula on load (``OOXMLRecalcMode`` = 0, « always »:
by default LibreOffice asks, and headless it would keep the cached values).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculate(paths: list[Path], directory: Path, *, timeout: int = 300) -> list[Path]:
    """Open each workbook in LibreOffice, recalculate it and save it to ``directory/recalculated/``."""
    assert SOFFICE is not None, "soffice introuvable"
    profile = directory / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    out = directory / "recalculated"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(out), *map(str, paths)],
        check=True, capture_output=True, timeout=timeout,
    )  # fmt: skip
    converted = [out / path.name for path in paths]
    missing = [str(p) for p in converted if not p.exists()]
    assert not missing, f"LibreOffice n'a pas produit {missing}"
    return converted
