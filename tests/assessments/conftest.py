"""Fixtures for this package. Test bodies run with scopes on (see tests/conftest.py)."""
