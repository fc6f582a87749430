"""/auth/external, /me, /auth/logout: logging in clients that are not browsers."""

from django.http import HttpResponse
from ninja import Router

from parley.accounts import tokens
from parley.external_auth.login import exchange_code_for_token

from ..schemas import BODY_ERRORS, Error, ExternalAuthIn, UserOut, UserSession
from ..security import user_token

router = Router(tags=["Authentication"])


@router.post(
    "/auth/external",
    auth=None,
    response={
        200: UserSession,
        401: Error,
        403: Error,
        409: Error,
        422: Error,
        429: Error,
        **BODY_ERRORS,
    },
)
def exchange_external_auth_code(request, body: ExternalAuthIn, response: HttpResponse):
    """Exchange an `externalAuthCode` for a user's bearer token. The code is verified exactly
    as in a login URL: same checks, error codes, audit events, seats and rate limits. The
    token expires with the code's `exp`, capped by the instance's session maximum."""
    login = exchange_code_for_token(request, code=body.externalAuthCode)
    response["Cache-Control"] = "no-store"
    return {
        "token": login.secret,
        "token_type": "Bearer",
        "expires_at": login.token.expires_at,
        "expires_in": login.lifetime_seconds,
        "created": login.created,
        "reference": login.reference,
        "user": UserOut.of(login.user),
    }


@router.get("/me", auth=user_token, response={200: UserOut, 401: Error, 403: Error})
def me(request):
    """The user a bearer token from `/auth/external` belongs to."""
    return UserOut.of(request.auth.user)


@router.post("/auth/logout", auth=user_token, response={204: None, 401: Error, 403: Error})
def logout(request):
    """End the session of this bearer token; it stops working at once."""
    tokens.revoke_user_token(token=request.auth)
    return HttpResponse(status=204)
