"""Zip containers (XLSX, ODS, DOCX, zip imports) inspected by streaming, within limits (issue #12).

A 262 KB zip can hold gigabytes: ``archive.read(member)`` on an unchecked member unpacks it all in
memory. Here the central directory is checked first — number of entries, declared sizes, compression
ratio — and a member is then read by chunks, counting the bytes actually produced (a header can lie),
stopping at the limit. Refusals are ``ArchiveRefused`` with a French message naming the file.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

CHUNK = 64 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 2_000
    max_total_size: int = 200 * 1024 * 1024  # uncompressed, all entries
    max_entry_size: int = 100 * 1024 * 1024  # uncompressed, one entry
    max_ratio: int = 100  # uncompressed / compressed, for entries over ``ratio_floor``
    ratio_floor: int = 1024 * 1024


DEFAULT_LIMITS = ArchiveLimits()
# Office documents uploaded to a dossier (20 MB at most on disk): no part beyond 50 MB once unpacked.
DOCUMENT_LIMITS = ArchiveLimits(max_entries=5_000, max_total_size=150 * 1024 * 1024, max_entry_size=50 * 1024 * 1024)

# A financing plan's workbook (essaim.financing.xlsx, 5 MB at most on disk): a few sheets of a few hundred
# rows; openpyxl holds every part in memory, so no part beyond 20 MB and 50 MB in all once unpacked.
WORKBOOK_LIMITS = ArchiveLimits(max_entries=500, max_total_size=50 * 1024 * 1024, max_entry_size=20 * 1024 * 1024)


class ArchiveRefused(ValueError):
    """The archive is refused; ``str(error)`` is the French message for the user."""


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo".replace(".", ",")


def inspect_zip(
    archive: zipfile.ZipFile, *, name: str, limits: ArchiveLimits = DEFAULT_LIMITS
) -> list[zipfile.ZipInfo]:
    """Check the central directory of an open archive; return its entries. Reads no member."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise ArchiveRefused(
            f"Le fichier « {name} » contient {len(infos)} éléments compressés, au-delà de la limite de "
            f"{limits.max_entries} : il est refusé."
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ArchiveRefused(
                f"Le fichier « {name} » contient un élément chiffré (« {info.filename} ») : il est refusé."
            )
        if info.file_size > limits.max_entry_size:
            raise ArchiveRefused(
                f"Le fichier « {name} » contient un élément de {_mb(info.file_size)} une fois décompressé "
                f"(« {info.filename} »), au-delà de la limite de {_mb(limits.max_entry_size)} : il est refusé."
            )
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ArchiveRefused(
                f"Le fichier « {name} » contient un élément compressé plus de {limits.max_ratio} fois "
                f"(« {info.filename} ») : il ressemble à une bombe de décompression et est refusé."
            )
        total += info.file_size
        if total > limits.max_total_size:
            raise ArchiveRefused(
                f"Le fichier « {name} » occupe plus de {_mb(limits.max_total_size)} une fois décompressé : "
                "il est refusé."
            )
    return infos


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, name: str, limits: ArchiveLimits = DEFAULT_LIMITS
) -> bytes:
    """The bytes of one member, read by chunks and stopped past ``max_entry_size`` (whatever its header says)."""
    limit = min(limits.max_entry_size, max(info.file_size, 0))
    chunks = []
    size = 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise ArchiveRefused(
                    f"Le fichier « {name} » : l'élément « {info.filename} » se décompresse au-delà de sa taille "
                    "déclarée ou de la limite : il est refusé."
                )
            chunks.append(chunk)
    return b"".join(chunks)


def checked_zip(source, *, name: str, limits: ArchiveLimits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """Open ``source`` (a path or a binary file) as a zip and check it; the caller closes it.

    Raises ``ArchiveRefused`` (limits) or ``zipfile.BadZipFile`` (not a zip)."""
    archive = zipfile.ZipFile(source)
    try:
        inspect_zip(archive, name=name, limits=limits)
    except BaseException:
        archive.close()
        raise
    return archive
