"""Login and passwords (public: they are how a user gets a credential): login to a session,
logout, a reset link by mail, and setting a password from an invitation or reset link."""

from __future__ import annotations

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.bootstrap import Ledger
from api.errors import ApiError
from api.sessions import login, logout, request_reset, set_password
from api.throttle import client_address
from schemas import limits
from schemas.auth import ForgotIn, LoginIn, OkOut, SessionOut, SessionUserOut, SetupPasswordIn

TAGS = ["Access"]
PUBLIC = {"public": True}
BODY_MAX = limits.PUBLIC_BODY_BYTES_MAX


@post(
    "/auth/login",
    operation_id="Login",
    opt=PUBLIC,
    status_code=200,
    tags=TAGS,
    request_max_body_size=BODY_MAX,
)
async def post_login(
    data: JSONBody[LoginIn], request: Request, ledger: NamedDependency[Ledger]
) -> SessionOut:
    """A session token for e-mail and password; it works as a Bearer like an API key, with the
    user's role. Wrong or unknown: 401 (the same either way); too many failures: 429."""
    token, expires, user = await login(
        ledger, data.email, data.password, client_address(request), data.tenant_id
    )
    return SessionOut(
        token=token,
        expires_at=expires,
        user=SessionUserOut(
            id=user["id"], email=user["email"], role=user["role"], tenant_id=user["tenant_id"]
        ),
    )


@post(
    "/auth/logout",
    operation_id="Logout",
    opt=PUBLIC,
    status_code=200,
    tags=TAGS,
    request_max_body_size=BODY_MAX,
)
async def post_logout(request: Request, ledger: NamedDependency[Ledger]) -> OkOut:
    """End the session whose token is the Bearer; it is refused from the next request on."""
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip().startswith("ls_"):
        raise ApiError("UNAUTHORIZED", "Send the session token as Bearer to log out.")
    await logout(ledger, token.strip())
    return OkOut(ok=True)


@post(
    "/auth/forgot-password",
    operation_id="ForgotPassword",
    opt=PUBLIC,
    status_code=202,
    tags=TAGS,
    request_max_body_size=BODY_MAX,
)
async def forgot_password(
    data: JSONBody[ForgotIn], request: Request, ledger: NamedDependency[Ledger]
) -> OkOut:
    """Mail a reset link if the address has an account — the answer is the same either way;
    too many requests for an address or from a network address: 429."""
    await request_reset(ledger, data.email, client_address(request))
    return OkOut(
        ok=True, message="If the address has an account, a mail with a link is on its way."
    )


@post(
    "/auth/setup-password",
    operation_id="SetupPassword",
    opt=PUBLIC,
    status_code=200,
    tags=TAGS,
    request_max_body_size=BODY_MAX,
)
async def setup_password(data: JSONBody[SetupPasswordIn], ledger: NamedDependency[Ledger]) -> OkOut:
    """Set the password with the one-time token from an invitation or reset mail; the user's
    other sessions end."""
    await set_password(ledger, data.token, data.password)
    return OkOut(ok=True)


ROUTES = [post_login, post_logout, forgot_password, setup_password]
