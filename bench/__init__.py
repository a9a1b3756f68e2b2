"""`make bench`: the portal at national scale on PostgreSQL and gunicorn (see README.md)."""
