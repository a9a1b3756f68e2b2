"""What organisations tells the apps above it (they listen; organisations never imports them).

- `member_leaving(sender=Membership, organisation, user_id)`: sent inside the transaction
  that removes a membership, before the row is deleted. Each app that lets a member own
  something (evidence: documents; assessments: answers and improvement actions) clears
  that owner, so no reminder or approval request about the organisation reaches them.
- `organisation_erased(sender=Organisation, organisation_id)`: sent inside the transaction
  that erases a closed organisation, after the cascade deleted its rows. Apps holding rows
  that a cascade does not reach (assessments: the answers' history records, which the
  cascade's own deletes add to) delete what is left for that id.
"""

from django.dispatch import Signal

member_leaving = Signal()
organisation_erased = Signal()
