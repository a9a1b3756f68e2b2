import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_scopes import ScopedManager

# Accept 3-10 upper-case letters/digits; warn (never reject) outside the usual shapes
# (docs/dspt-rules.md §6).
ODS_CODE_ACCEPTED = re.compile(r"^[A-Z0-9]{3,10}$")
ODS_CODE_SITE = re.compile(r"^V[A-Z0-9]{4}$")
ODS_CODE_HQ = re.compile(r"^[AC][A-Z0-9]{2,4}$")
CQC_LOCATION_ID = RegexValidator(
    r"^1-\d{6,11}$",
    "A CQC location ID looks like 1-123456789: '1-' then 6 to 11 digits. "
    "It is not the same as the ODS code.",
)


def normalise_ods_code(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def ods_code_warning(code: str) -> str:
    """A plain-English warning for an unusual ODS code, or '' when it looks normal."""
    if not code or ODS_CODE_SITE.match(code) or ODS_CODE_HQ.match(code):
        return ""
    if code.startswith("8"):
        return (
            f"{code} looks like an 8-series code. For the DSPT and NHSmail, use your V code "
            "(a single site) or your A or C code (a head office)."
        )
    return (
        f"{code} is not in the usual shape: sites normally have 5 characters starting with V, "
        "head offices 3-5 characters starting with A or C. Check it against your ODS record."
    )


class ServiceType(models.TextChoices):
    CARE_HOME = "care_home", "Care home"
    CARE_HOME_NURSING = "care_home_nursing", "Care home with nursing"
    HOME_CARE = "home_care", "Home care (domiciliary)"
    SUPPORTED_LIVING = "supported_living", "Supported living"
    OTHER = "other", "Other"


class Organisation(models.Model):
    """A care provider: one site (V code) or a head office (A/C code) with its sites."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        unique=True,
        help_text="Your NHS Organisation Data Service code, e.g. VX1Y2 for a site.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
        verbose_name="head office",
        help_text="The head office (A or C code) this site belongs to, if any.",
    )
    service_type = models.CharField(
        max_length=30, choices=ServiceType.choices, default=ServiceType.CARE_HOME
    )
    cqc_location_id = models.CharField(
        "CQC location ID", max_length=20, blank=True, validators=[CQC_LOCATION_ID]
    )
    address = models.TextField(blank=True, max_length=500)
    postcode = models.CharField(max_length=10, blank=True)
    staff_headcount = models.PositiveIntegerField(
        null=True, blank=True, help_text="Everyone with access to personal data, volunteers too."
    )

    # Key people (docs/dspt-rules.md §5). The IG lead and senior accountable person are members,
    # because they receive reminders and the senior accountable person approves.
    registered_manager_name = models.CharField("registered manager", max_length=150, blank=True)
    ig_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="IG / data security and protection lead",
    )
    has_dpo = models.BooleanField(
        "we have a Data Protection Officer",
        default=False,
        help_text="Leave unticked if you name a person responsible for data protection instead.",
    )
    dpo_name = models.CharField(
        "DPO or person responsible for data protection", max_length=150, blank=True
    )
    senior_accountable_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Approves the assessment before it is published (evidence item 1.1.5).",
    )
    senior_accountable_title = models.CharField(
        "senior accountable person's job title",
        max_length=150,
        blank=True,
        help_text="Use the job title, e.g. Registered Manager, so staff changes do not break it.",
    )
    caldicott_guardian_name = models.CharField(
        "Caldicott guardian (optional)", max_length=150, blank=True
    )

    cyber_essentials_plus_expires_on = models.DateField(
        "Cyber Essentials Plus certificate expires on",
        null=True,
        blank=True,
        help_text="Standards Met plus a current certificate gives Standards Exceeded.",
    )
    require_mfa = models.BooleanField(
        "members must use two-step sign-in",
        default=False,
        help_text="Everyone in this organisation must set up an authenticator app.",
    )
    # Set when an admin closes the organisation: from then on it is read-only, and on this
    # day its data and files are erased (organisations.tasks.organisations_erase_task).
    closes_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"

    @property
    def is_closing(self) -> bool:
        return self.closes_on is not None

    def clean(self) -> None:
        self.ods_code = normalise_ods_code(self.ods_code)
        if self.ods_code and not ODS_CODE_ACCEPTED.match(self.ods_code):
            raise ValidationError(
                {"ods_code": "An ODS code has 3 to 10 letters and numbers, e.g. VX1Y2."}
            )
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "An organisation cannot be its own head office."})

    @property
    def ods_code_warning(self) -> str:
        return ods_code_warning(self.ods_code)

    def has_current_cyber_essentials_plus(self, on=None) -> bool:
        on = on or timezone.localdate()
        return bool(
            self.cyber_essentials_plus_expires_on and self.cyber_essentials_plus_expires_on >= on
        )


class Role(models.TextChoices):
    """One role per membership, ordered by what it may do (see RANK)."""

    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    CONSULTANT = "consultant", "Consultant"
    ADMIN = "admin", "Admin"


ROLE_RANK = {Role.VIEWER: 10, Role.EDITOR: 20, Role.CONSULTANT: 30, Role.ADMIN: 40}
ROLE_HELP = {
    Role.ADMIN: "Manages members and settings, and can answer and upload.",
    Role.EDITOR: "Answers evidence items and uploads documents (e.g. the IG lead).",
    Role.VIEWER: "Can read everything but change nothing.",
    Role.CONSULTANT: "An outside adviser: can answer and upload, invite people, and see "
    "this home in their portfolio.",
}


class Membership(models.Model):
    """A user's role in one organisation.

    Deliberately not scoped: this is the table that decides the scope, and it is read
    across organisations (the chooser, the portfolio). Every read filters by user.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation.name}"

    @property
    def rank(self) -> int:
        return ROLE_RANK[Role(self.role)]

    # Set by OrganisationMiddleware while the organisation is closing: nobody may change it.
    read_only = False

    def has_role(self, minimum: str) -> bool:
        if self.read_only and minimum != Role.VIEWER:
            return False
        return self.rank >= ROLE_RANK[Role(minimum)]

    @property
    def can_edit(self) -> bool:
        return self.has_role(Role.EDITOR)

    @property
    def can_invite(self) -> bool:
        return self.role in (Role.ADMIN, Role.CONSULTANT)

    @property
    def can_manage(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_consultant(self) -> bool:
        return self.role == Role.CONSULTANT


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EDITOR)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(
        organisation="organisation", _manager_class=models.Manager.from_queryset(InvitationQuerySet)
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation.name}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return not (self.accepted_at or self.revoked_at or self.is_expired)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Withdrawn"
        if self.is_expired:
            return "Expired"
        return "Waiting"


class ActivityLog(models.Model):
    """The audit trail: who did what, to which object, when. Append-only from the app."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="activity"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=250, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ScopedManager(organisation="organisation")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email or 'system'} {self.action}"

    def save(self, *args, **kwargs):
        # Append-only: a saved entry is never rewritten by the application.
        if not self._state.adding:
            raise ValueError("Activity log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Activity log entries cannot be deleted.")


CLOSURE_GRACE_DAYS = 30


class OrganisationClosure(models.Model):
    """Platform staff's record of an organisation that was closed by its admin.

    Kept after the erasure (the organisation link is then empty, the name stays), so staff
    can answer "who closed it, when, and when was it erased". Not a tenant row: no scope.
    """

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="closures",
    )
    name = models.CharField(max_length=200)
    ods_code = models.CharField("ODS code", max_length=10)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_by_email = models.CharField(max_length=254, blank=True)
    closed_at = models.DateTimeField(default=timezone.now)
    erase_on = models.DateField(help_text="The day its data and files are erased.")
    erased_at = models.DateTimeField(null=True, blank=True)
    restored_at = models.DateTimeField(null=True, blank=True)
    restored_by_email = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["-closed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(erased_at__isnull=True, restored_at__isnull=True),
                name="one_pending_closure_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"Closure of {self.name} ({self.ods_code})"

    @property
    def status(self) -> str:
        if self.erased_at:
            return "Erased"
        if self.restored_at:
            return "Restored by staff"
        return "Closing"
