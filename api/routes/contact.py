"""The public contact form (seed 002)."""

from __future__ import annotations

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api import contact
from api.bootstrap import Ledger
from api.throttle import client_address
from schemas import limits
from schemas.auth import OkOut
from schemas.contact import ContactIn


@post(
    "/contact",
    operation_id="PostContactMessage",
    opt={"public": True},
    status_code=200,
    tags=["Contact"],
    request_max_body_size=limits.PUBLIC_BODY_BYTES_MAX,
)
async def post_contact(
    data: JSONBody[ContactIn], request: Request, ledger: NamedDependency[Ledger]
) -> OkOut:
    """Send a message to the service's operator (no key needed). A filled `_honeypot` is
    answered the same way and dropped; more than 3 messages an hour from one e-mail address
    or 10 from one network address: 429 with `Retry-After`."""
    await contact.receive(ledger, data, client_address(request))
    return OkOut(ok=True)


ROUTES = [post_contact]
