"""An uploaded CSV file's bytes as text, as spreadsheets save it: UTF-8 (with or without a
byte-order mark), else Windows-1252; UTF-16, workbooks and binary files are refused with what to
do instead."""

from __future__ import annotations

from dataclasses import dataclass

SAVE_AS = "Save it from your spreadsheet as “CSV UTF-8 (comma delimited)” and upload it again."


@dataclass(frozen=True)
class Decoded:
    text: str | None  # None when the file was refused
    error: str | None = None
    notice: str | None = None


def decode_csv(data: bytes) -> Decoded:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(None, "The file is saved as UTF-16 text. " + SAVE_AS)
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return Decoded(None, "This looks like an Excel workbook, not a CSV file. " + SAVE_AS)
    if b"\x00" in data:
        return Decoded(None, "This is not a CSV text file (it contains binary data). Upload a "
                             "comma-separated values (.csv) file.")
    try:
        return Decoded(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return Decoded(None, "The file's text encoding is not UTF-8 or Windows-1252. " + SAVE_AS)
    return Decoded(text, notice="The file is not UTF-8; it was read as Windows-1252 text.")
