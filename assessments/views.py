"""Views for the assessments app."""
