"""Generated SIRENE StockEtablissement extracts (valid SIRETs), for the import's tests and measures."""

from essaim.common.validators import luhn_is_valid

HEADER = (
    "siren,nic,siret,codeCommuneEtablissement,etatAdministratifEtablissement,enseigne1Etablissement,"
    "activitePrincipaleEtablissement,trancheEffectifsEtablissement\n"
)


def siret_for(index: int) -> tuple[str, str, str]:
    """A valid (siren, nic, siret) for ``index`` (Luhn key in the NIC's last digit)."""
    siren = f"8{index:08d}"
    for key in range(10):
        nic = f"0001{key}"
        if luhn_is_valid(siren + nic):
            return siren, nic, siren + nic
    raise AssertionError("unreachable: one of ten keys passes the Luhn check")


def generated_extract(rows: int, *, commune_code: str = "59183", start: int = 1, bad_line: int | None = None) -> bytes:
    """``rows`` active establishments in ``commune_code``; ``bad_line`` (a file line, header = 1) gets a
    wrong SIRET key."""
    lines = [HEADER]
    for offset in range(rows):
        siren, nic, siret = siret_for(start + offset)
        if bad_line == offset + 2:
            siret = siret[:-1] + str((int(siret[-1]) + 1) % 10)
            nic = siret[9:]
        lines.append(f"{siren},{nic},{siret},{commune_code},A,ATELIER {start + offset:06d},25.62A,11\n")
    return "".join(lines).encode()
