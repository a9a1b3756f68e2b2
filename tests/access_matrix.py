"""The shape of an access case: which URL, which minimum role, how to call it.

Each app lists its tenant URLs in tests/access_cases/<app>.py as CASES (and, if its URLs
need objects, an `objects(ctx)` function that creates them in ctx["organisation"]).
tests/test_access_matrix.py walks every URL pattern that takes an organisation or an
object id and fails when one has no case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from organisations.models import Role

# Who may: the roles that get 2xx/3xx; every other member gets 403.
READ = (Role.VIEWER, Role.EDITOR, Role.CONSULTANT, Role.ADMIN)
EDIT = (Role.EDITOR, Role.CONSULTANT, Role.ADMIN)
INVITE = (Role.CONSULTANT, Role.ADMIN)
MANAGE = (Role.ADMIN,)


@dataclass
class Case:
    url_name: str
    allowed: tuple
    method: str = "get"
    kwargs: Callable[[dict], dict] = field(default=lambda ctx: {})
    data: dict | Callable[[dict], dict] | None = None
    # Some URLs answer members they do not allow with 404 rather than 403 (e.g. an object
    # that only its owner may see); say so here.
    denied_status: int = 403

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.method}]"
