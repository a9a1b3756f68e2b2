#!/usr/bin/env python
"""Back up, or restore, a whole DSPT Portal installation: the database and the private
files together, in one .tar.gz (README, "Backing up and restoring").

    .venv/bin/python scripts/installation_backup.py backup  /backups/dspt-2026-12-02.tar.gz
    .venv/bin/python scripts/installation_backup.py restore /backups/dspt-2026-12-02.tar.gz --yes

It reads the same environment as the app (DATABASE_URL, PRIVATE_MEDIA_ROOT, ...), so run it
with the app's settings. SQLite is copied with SQLite's online backup; PostgreSQL with
pg_dump / pg_restore (custom format). The database is taken first, then the files: a file
is always stored before its row is committed, so every row in the copy has its file.
A restore checks each file against the SHA-256 taken at backup, then each document
version's file against the SHA-256 in its row, and exits 1 if anything does not match.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dspt_portal.settings.dev")  # as manage.py

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402

FORMAT = "dspt-portal-installation/1"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _database() -> tuple[str, dict]:
    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if engine not in ("sqlite3", "postgresql"):
        sys.exit(f"Unsupported database engine {db['ENGINE']}.")
    return engine, db


def _pg_env(db: dict) -> dict:
    """libpq variables, so the password never appears in the process list."""
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db.get("USER") or ""}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        sys.exit(
            f"{name} is not installed: install the PostgreSQL client tools (postgresql-client)."
        )
    return path


def _files_root() -> Path | None:
    storage = settings.STORAGES["default"]
    if storage["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        return None
    return Path(storage["OPTIONS"]["location"])


def backup(target: Path) -> None:
    engine, db = _database()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if engine == "sqlite3":
            dump = work / "database.sqlite3"
            source, copy = sqlite3.connect(db["NAME"]), sqlite3.connect(dump)
            with copy:
                source.backup(copy)  # a consistent copy, even while the app writes
            source.close()
            copy.close()
        else:
            dump = work / "database.pgdump"
            subprocess.run(  # noqa: S603 - fixed arguments, libpq environment
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={dump}",
                ],
                env=_pg_env(db),
                check=True,
            )
        root = _files_root()
        files = {}
        if root is None:
            print("Files are in S3: back up the bucket itself (README). Database only.")
        elif root.exists():
            files = {
                str(p.relative_to(root)): _sha256(p) for p in sorted(root.rglob("*")) if p.is_file()
            }
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": engine,
            "files": files,
        }
        (work / "backup.json").write_text(json.dumps(manifest, indent=1))
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / "backup.json", "backup.json")
            tar.add(dump, dump.name)
            for name in files:
                tar.add(root / name, f"files/{name}")
        os.replace(partial, target)  # never a half-written backup under the real name
    print(f"Backed up the {engine} database and {len(files)} files to {target}.")


def _safe_member(member: tarfile.TarInfo) -> bool:
    path = Path(member.name)
    return member.isfile() and not path.is_absolute() and ".." not in path.parts


def restore(source: Path) -> int:
    engine, db = _database()
    with tarfile.open(source, "r:gz") as tar, tempfile.TemporaryDirectory() as work:
        work = Path(work)
        members = [m for m in tar.getmembers() if _safe_member(m)]
        for member in members:
            out = work / member.name
            out.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as data, out.open("wb") as f:
                shutil.copyfileobj(data, f)
        manifest = json.loads((work / "backup.json").read_text())
        if manifest.get("format") != FORMAT:
            sys.exit(f"{source} is not a DSPT Portal installation backup.")
        if manifest["database"] != engine:
            sys.exit(f"The backup holds a {manifest['database']} database; this is {engine}.")
        connections.close_all()
        if engine == "sqlite3":
            target = Path(db["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "database.sqlite3", target.with_name(target.name + ".restoring"))
            os.replace(target.with_name(target.name + ".restoring"), target)
        else:
            subprocess.run(  # noqa: S603 - fixed arguments, libpq environment
                [
                    _tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    f"--dbname={db['NAME']}",
                    str(work / "database.pgdump"),
                ],
                env=_pg_env(db),
                check=True,
            )
        root = _files_root()
        if root is not None:
            if root.exists():
                shutil.rmtree(root)  # the backup replaces the files, as it replaces the rows
            if (work / "files").exists():
                shutil.copytree(work / "files", root)
            else:
                root.mkdir(parents=True)
            os.chmod(root, 0o750)  # noqa: S103 - FILE_UPLOAD_DIRECTORY_PERMISSIONS, owner+group
    return verify(manifest["files"], root)


def verify(expected: dict[str, str], root: Path | None) -> int:
    """Every file as it was backed up, and every document version's file as its row says."""
    from django_scopes import scopes_disabled

    from evidence.models import DocumentVersion

    problems = []
    if root is not None:
        for name, sha256 in expected.items():
            path = root / name
            if not path.is_file() or _sha256(path) != sha256:
                problems.append(f"{name}: missing or changed")
    with scopes_disabled():
        versions = list(DocumentVersion.objects.values_list("file", "sha256"))
    storage = DocumentVersion._meta.get_field("file").storage
    for name, sha256 in versions:
        try:
            with storage.open(name, "rb") as f:
                actual = hashlib.sha256(f.read()).hexdigest()
        except FileNotFoundError:
            actual = None
        if actual != sha256:
            problems.append(f"{name}: the document version's file does not match its row")
    for problem in problems:
        print(problem)
    print(
        f"Restored: {len(expected)} files checked, {len(versions)} document versions checked, "
        f"{len(problems)} problems."
    )
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("backup").add_argument("file", type=Path)
    restore_parser = sub.add_parser("restore")
    restore_parser.add_argument("file", type=Path)
    restore_parser.add_argument(
        "--yes", action="store_true", help="Replace this installation's database and files."
    )
    args = parser.parse_args()
    if args.command == "backup":
        backup(args.file)
        return 0
    if not args.yes:
        sys.exit("restore replaces the database and the private files: add --yes to go ahead.")
    return restore(args.file)


if __name__ == "__main__":
    sys.exit(main())
