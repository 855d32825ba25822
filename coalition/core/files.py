"""Files that hold case data are readable by the application's own account only.

The instance folder, the SQLite database (its WAL and shared-memory files take the database's
permissions), backups and the reminder outbox are created owner-only (folders 0700, files 0600),
and tightened when an earlier version left them wider.
"""

from __future__ import annotations

import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: str | os.PathLike) -> Path:
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    folder.chmod(FOLDER_MODE)
    return folder


def private_file(path: str | os.PathLike) -> Path:
    """Create ``path`` empty and owner-only if it does not exist, else make it owner-only."""
    file = Path(path)
    private_folder(file.parent)
    if not file.exists():
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    file.chmod(FILE_MODE)
    return file


def write_private(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to an owner-only file."""
    file = private_file(path)
    file.write_bytes(data)
    return file
