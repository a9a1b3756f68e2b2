"""A whole installation backed up and restored end to end, as the README describes: a real
SQLite database and private files, `scripts/installation_backup.py backup`, the server lost
(and a change made after the backup), `restore --yes`, then every table row for row and
every file byte for byte as at the backup."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "scripts" / "installation_backup.py"

SEED = """
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from accounts.models import User
from evidence import services
from evidence.uploads import check_upload
from organisations.services import organisation_create

PDF = b"%PDF-1.4\\n1 0 obj << /Type /Catalog >> endobj\\ntrailer << /Root 1 0 R >>\\n%%EOF\\n"
with scopes_disabled():
    user = User.objects.create_user("{email}", "a-long-password-1")
    org = organisation_create(data={{"name": "{name}", "ods_code": "{ods}"}}, by=user)
    doc = services.document_create(organisation=org, data={{"title": "Policy"}}, by=user)
    for n in range(2):
        f = SimpleUploadedFile(f"p{{n}}.pdf", PDF + bytes([n]) * 10, "application/pdf")
        services.version_add(document=doc, file=f, checked=check_upload(f), by=user)
"""


def _env(tmp: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dspt_portal.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
        "STORAGE_BACKEND": "filesystem",
        "CELERY_BROKER_URL": "memory://",
        "DATABASE_CONN_MAX_AGE": "0",
    }


def _run(env, *args) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _tables(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(map(repr, db.execute(f'SELECT * FROM "{n}"'))) for n in names}  # noqa: S608


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def test_a_whole_installation_is_backed_up_and_restored(tmp_path):
    env = _env(tmp_path)
    _run(env, "manage.py", "migrate", "--noinput", "-v0")
    seed = SEED.format(email="manager@meadowbank.example", name="Meadowbank House", ods="VN4K2")
    _run(env, "manage.py", "shell", "-c", seed)
    db, private = tmp_path / "db.sqlite3", tmp_path / "private"
    tables, files = _tables(db), _files(private)
    assert len(files) == 2 and tables["evidence_documentversion"]

    backup = tmp_path / "backups" / "dspt.tar.gz"
    backup.parent.mkdir()
    assert "and 2 files" in _run(env, str(SCRIPT), "backup", str(backup))

    # After the backup: a new organisation with files, then the server is lost.
    seed = SEED.format(email="late@example.org", name="Later House", ods="VL8T3")
    _run(env, "manage.py", "shell", "-c", seed)
    assert len(_files(private)) == 4
    db.unlink()
    (private / next(iter(files))).unlink()

    refused = subprocess.run(  # noqa: S603
        [sys.executable, str(SCRIPT), "restore", str(backup)],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
    )
    assert refused.returncode != 0 and "--yes" in refused.stderr

    out = _run(env, str(SCRIPT), "restore", str(backup), "--yes")
    assert "2 files checked, 2 document versions checked, 0 problems" in out
    assert _tables(db) == tables
    assert _files(private) == files
