"""Views for the evidence app."""
