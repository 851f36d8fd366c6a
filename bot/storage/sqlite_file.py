"""The SQLite file: the checks before SQLite may write to it.

Light on purpose (no torch), so `python -m bot` refuses a bad file in a tenth of a second,
before loading the solver. A read-write open of a database that is then refused would
already have changed it (the switch to WAL rewrites its header), so every check here only
reads: the header's bytes first, then SQLite opened read-only.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .errors import SWAP, StorageError
from .migrations import MIGRATIONS, Migration

MAGIC = b"SQLite format 3\x00"
WRITABLE = "make it writable for the bot's user, or point storage.path at a writable place"
RESTORE = "restore it from a backup, or move it away to start with an empty one"


def check_storage_path(path: Path) -> None:
    """Create the folder if needed and refuse, with a StorageError, any file gd-tutor cannot use.

    Existing files are only read. A missing or empty file passes: SQLite creates it.
    """
    try:
        _check(path)
    except OSError as e:
        raise StorageError(path, f"cannot be checked ({e.strerror or e})") from None


def _check(path: Path) -> None:
    if path.is_dir():
        raise StorageError(path, "is a folder, not a database file", "set storage.path to a file")
    if path.exists() and not path.is_file():
        raise StorageError(path, "is not a regular file", "set storage.path to a file")
    _make_folder(path)
    # WAL mode creates -wal and -shm files beside the database: its folder must be writable.
    if problem := _not_writable(path.parent):
        raise StorageError(path, f"its folder {path.parent} {problem}", WRITABLE)
    if not path.exists():
        try:
            path.touch()
        except OSError as e:
            raise StorageError(path, f"cannot be created ({e.strerror or e})", WRITABLE) from None
    if problem := _not_writable(path):
        raise StorageError(path, problem, WRITABLE)
    if path.stat().st_size == 0:
        return  # a new database: SQLite writes its header
    _check_header(path)
    _check_contents(path)


def _not_writable(target: Path) -> str | None:
    """Why this user cannot read and write `target`, or None when they can."""
    if os.access(target, os.R_OK | os.W_OK):
        return None
    if os.statvfs(target).f_flag & os.ST_RDONLY:
        return "is on a read-only file system"
    return f"is not readable and writable by this user (uid {os.geteuid()})"


def _make_folder(path: Path) -> None:
    todo = "set storage.path to a file in a folder this user can create or write"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next(p for p in (path.parent, *path.parent.parents) if p.exists())
        raise StorageError(path, f"{blocker} is a file, not a folder", todo) from None
    except OSError as e:
        raise StorageError(path, f"cannot create its folder ({e.strerror or e})", todo) from None


def _check_header(path: Path) -> None:
    with path.open("rb") as f:
        header = f.read(100)
    if len(header) < 100 or not header.startswith(MAGIC):
        raise StorageError(path, "is not an SQLite database")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is only valid when the change counter matches "version valid for".
    counted = header[24:28] == header[92:96]
    size = path.stat().st_size
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return  # pages may still live in the WAL; SQLite's recovery decides, read-only, below
    if size % page_size or (counted and size < pages * page_size):
        raise StorageError(
            path,
            f"is truncated ({size} bytes, its header says {pages} pages of {page_size})",
            RESTORE,
        )


def _check_contents(path: Path) -> None:
    try:
        # Without a -wal file no connection has the database open in WAL mode, and immutable
        # keeps SQLite from creating -wal and -shm files beside a database we may refuse.
        immutable = "" if Path(f"{path}-wal").exists() else "&immutable=1"
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True)
    except sqlite3.Error as e:
        raise StorageError(path, f"cannot be opened ({e})") from None
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StorageError(
                path,
                f"has schema v{version}, newer than this gd-tutor knows (v{len(MIGRATIONS)})",
                "run the newer gd-tutor that wrote it, or " + SWAP,
            )
        if _schema(db) != _expected_schema(MIGRATIONS[:version]):
            raise StorageError(path, f"holds tables that are not gd-tutor's (schema v{version})")
        damage = db.execute("PRAGMA quick_check(1)").fetchone()[0]
        if damage != "ok":  # e.g. "*** in database main ***\nPage 2: btreeInitPage() …"
            damage = damage.splitlines()[-1]
            raise StorageError(path, f"is damaged ({damage})", RESTORE)
    except sqlite3.DatabaseError as e:
        raise StorageError(path, f"is not a usable SQLite database ({e})") from None
    finally:
        db.close()


Schema = set[tuple[str, str, tuple[tuple[str, str, int, int], ...]]]


def _schema(db: sqlite3.Connection) -> Schema:
    """Every table and index with its columns (name, type, not null, primary key)."""
    found: Schema = set()
    for kind, name in db.execute("SELECT type, name FROM sqlite_master").fetchall():
        columns = db.execute("SELECT * FROM pragma_table_info(?)", (name,)).fetchall()
        found.add((kind, name, tuple((c[1], c[2], c[3], c[5]) for c in columns)))
    return found


def _expected_schema(applied: tuple[Migration, ...]) -> Schema:
    """The schema these migrations build, replayed in memory."""
    db = sqlite3.connect(":memory:")
    try:
        for step in applied:
            db.executescript(step.sqlite)
        return _schema(db)
    finally:
        db.close()
