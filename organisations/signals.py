"""What organisations tells the apps above it (they listen; organisations never imports them).

- `member_leaving(sender=Membership, organisation, user_id)`: sent inside the transaction
  that removes a membership, before the row is deleted. Each app that lets a member own
  something (evidence: documents; assessments: answers and improvement actions) clears
  that owner, so no reminder or approval request about the organisation reaches them.
"""

from django.dispatch import Signal

member_leaving = Signal()
