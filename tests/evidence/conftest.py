"""Evidence fixtures: the same tests run against the filesystem and a real local S3 server.

`moto_server` (from moto[server]) is started once per session on 127.0.0.1 with a free
port; each S3 test gets a fresh bucket and STORAGES pointing at it (override_settings
resets Django's cached storages, which the FileField's default_storage follows).
"""

import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

MOTO = Path(sys.executable).parent / "moto_server"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    if not MOTO.exists() and not shutil.which("moto_server"):
        pytest.fail("moto_server is missing: pip install 'moto[server]' (see pyproject.toml).")
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603 - our own venv binary, fixed arguments
        [str(MOTO) if MOTO.exists() else "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("moto_server did not start")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def _s3_storages(endpoint: str, bucket: str) -> dict:
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": "eu-west-2",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
                "addressing_style": "path",
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(params=["filesystem", "s3"])
def storage_backend(request, settings):
    """Run the test once on the private filesystem and once on the local S3 server."""
    if request.param == "filesystem":
        yield "filesystem"
        return
    import boto3

    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    with override_settings(STORAGES=_s3_storages(endpoint, bucket)):
        assert default_storage.bucket_name == bucket
        yield "s3"


def stored_names(storage=None) -> list[str]:
    """Every file the storage holds (both backends), to prove nothing partial was left."""
    storage = storage or default_storage

    def walk(path: str) -> list[str]:
        dirs, files = storage.listdir(path)
        found = [f"{path}/{f}".lstrip("/") for f in files]
        for d in dirs:
            found += walk(f"{path}/{d}".lstrip("/"))
        return found

    try:
        return walk("")
    except FileNotFoundError:
        return []


@pytest.fixture(autouse=True)
def _fresh_private_storage(settings, tmp_path):
    """Each test gets an empty private filesystem storage, so leftovers are visible."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
