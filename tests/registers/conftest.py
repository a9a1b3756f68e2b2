"""Fixtures for this package."""

import pytest


@pytest.fixture(autouse=True)
def _scopes_off(legacy_scopes_disabled):
    """This package's test bodies still run with scopes off (see tests/conftest.py)."""
