"""The layering contracts (pyproject.toml, [tool.importlinter]) hold, and they catch a
wrong-way import: a copy of the code with one planted import must fail `lint-imports`."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "accounts",
    "organisations",
    "evidence",
    "registers",
    "assessments",
    "reports",
    "reminders",
    "dashboards",
    "dspt_portal",
    "outbox",
]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(where / "pyproject.toml"), "--no-cache"],
        cwd=where,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory) -> Path:
    """The apps' Python files and pyproject.toml, outside the repository."""
    where = tmp_path_factory.mktemp("layers")
    for app in APPS:
        shutil.copytree(
            ROOT / app,
            where / app,
            ignore=shutil.ignore_patterns("__pycache__", "*.yaml", "*.csv", "*.md"),
        )
    shutil.copy(ROOT / "pyproject.toml", where / "pyproject.toml")
    clean = _lint(where)
    assert clean.returncode == 0, clean.stdout + clean.stderr  # the copy itself is clean
    return where


def test_the_code_keeps_every_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "reported"),
    [
        # Inside a function counts too: the layering is about what a module needs at all.
        (
            "organisations/planted.py",
            "def release():\n    from dashboards import read_models\n",
            "organisations.planted -> dashboards.read_models",
        ),
        (
            "evidence/planted.py",
            "from assessments.models import Response\n",
            "evidence.planted -> assessments.models",
        ),
        (
            "evidence/planted.py",
            "def figure():\n    from registers.services import breach_figures\n",
            "evidence.planted -> registers.services",
        ),
        (
            "registers/planted.py",
            "from assessments.models import Response\n",
            "registers.planted -> assessments.models",
        ),
        (
            "reports/planted.py",
            "from dashboards.portfolio import portfolio_rows\n",
            "reports.planted -> dashboards.portfolio",
        ),
        (
            "organisations/planted.py",
            "from accounts.models import User\n",
            "organisations.planted -> accounts.models",
        ),
        (
            "dspt_portal/planted.py",
            "from organisations.models import Organisation\n",
            "dspt_portal.planted -> organisations.models",
        ),
    ],
)
def test_a_planted_wrong_way_import_breaks_a_contract(copy_of_the_code, module, source, reported):
    planted = copy_of_the_code / module
    planted.write_text(source)
    try:
        result = _lint(copy_of_the_code)
    finally:
        planted.unlink()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert reported in result.stdout
