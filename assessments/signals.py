"""What assessments tells the apps above it (they listen; assessments never imports them).

- `assessment_approved(sender=Assessment, approval, by)`: sent inside the approving
  transaction, after the Approval row is saved. Reports makes the approved report.
"""

from django.dispatch import Signal

assessment_approved = Signal()
