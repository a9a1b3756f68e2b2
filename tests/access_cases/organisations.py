"""Access cases for the organisations app's tenant URLs. See tests/test_access_matrix.py."""

from tests.access_matrix import INVITE, MANAGE, READ, Case


def objects(ctx):
    """Create the objects these URLs need; returns kwargs per object id."""
    from tests.factories import InvitationFactory, MembershipFactory

    ctx["membership"] = MembershipFactory(organisation=ctx["organisation"], role="editor")
    ctx["invitation"] = InvitationFactory(organisation=ctx["organisation"])


CASES = [
    Case("tenant_ping", READ),
    Case("organisations:home", READ),
    Case("organisations:year_changes", READ),
    Case("organisations:members", READ),
    Case(
        "organisations:members",
        INVITE,
        method="post",
        data={"email": "new@example.org", "role": "editor"},
    ),
    Case("organisations:settings", INVITE),
    Case("organisations:activity", INVITE),
    Case("organisations:close", MANAGE),
    Case("organisations:close", MANAGE, method="post"),  # nothing confirmed: the form says so
    Case(
        "organisations:member_role",
        MANAGE,
        method="post",
        kwargs=lambda c: {"pk": c["membership"].pk},
        data={"role": "viewer"},
    ),
    Case("organisations:member_remove", MANAGE, kwargs=lambda c: {"pk": c["membership"].pk}),
    Case(
        "organisations:invitation_revoke",
        INVITE,
        method="post",
        kwargs=lambda c: {"pk": c["invitation"].pk},
    ),
    Case(
        "organisations:invitation_resend",
        INVITE,
        method="post",
        kwargs=lambda c: {"pk": c["invitation"].pk},
    ),
    Case(
        "organisations:member_remove",
        MANAGE,
        method="post",
        kwargs=lambda c: {"pk": c["membership"].pk},
    ),
    Case(
        "organisations:settings",
        INVITE,
        method="post",
        data=lambda c: {"name": c["organisation"].name, "ods_code": c["organisation"].ods_code},
    ),
    # Pages that answer a POST as a GET (they change nothing).
    Case("tenant_ping", READ, method="post"),
    Case("organisations:home", READ, method="post"),
    Case("organisations:activity", INVITE, method="post"),
]
