"""Reports listens to the apps below it (connected in ReportsConfig.ready)."""

from django.dispatch import receiver

from assessments.signals import assessment_approved

from .services import approval_report_ensure


@receiver(assessment_approved, dispatch_uid="reports.approval_report")
def make_approval_report(sender, *, approval, by, **kwargs) -> None:
    """The approved report is made now, from the snapshot, so it is exactly what was approved."""
    approval_report_ensure(approval=approval, by=by)
