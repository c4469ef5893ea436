"""Limits on what a zip container (.docx, .xlsx) may unpack to, checked before a byte is inflated.

A zip bomb is a small file whose parts inflate to gigabytes; the readers (python-docx, openpyxl) would hold
them in memory. Python's zipfile never inflates a member past the size its directory declares (a member that
lies fails its CRC check), so the declared sizes, summed and counted here, bound what a reader can unpack.
"""
import zipfile
from dataclasses import dataclass


class ArchiveTooLarge(ValueError):
    """The container would unpack past a limit; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int
    max_total: int  # bytes, every member together
    max_parsed: int  # bytes of the members a reader parses whole in memory (not streamed, not media)


def archive_check(archive: zipfile.ZipFile, limits: ArchiveLimits, *, parsed_whole) -> None:
    """Raise ArchiveTooLarge when `archive` breaks `limits`; `parsed_whole(name)` says which members count
    against `max_parsed`."""
    members = archive.infolist()
    if len(members) > limits.max_entries:
        raise ArchiveTooLarge(f"文件包含的部件过多（{len(members):,} 个，上限 {limits.max_entries:,} 个），可能是恶意文件，未读取。")
    total = sum(member.file_size for member in members)
    parsed = sum(member.file_size for member in members if parsed_whole(member.filename))
    if total > limits.max_total or parsed > limits.max_parsed:
        raise ArchiveTooLarge(f"文件解压后过大（约 {max(total, parsed) / 1048576:,.0f} MB，上限 "
                              f"{(limits.max_total if total > limits.max_total else limits.max_parsed) / 1048576:,.0f} MB），"
                              "可能是恶意文件，未读取。")
