"""/branding: read and change the instance's branding, by the same rules as Admin → Branding
and `parley branding set` (parley.branding.validation)."""

import base64
import binascii
from typing import Annotated

from django.conf import settings
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from parley.accounts import roles
from parley.accounts.validation import public_id_pattern
from parley.branding import services
from parley.branding.logo import MAX_LOGO_BYTES
from parley.branding.selectors import Brand, current_brand
from parley.branding.validation import (
    FROM_NAME_MAX,
    MAX_PROMPTS,
    NAME_MAX,
    PROMPT_MAX,
    RETURN_URL_MAX,
    SUBJECT_PREFIX_MAX,
    WELCOME_MAX,
)
from parley.errors import ValidationFailed

from ..schemas import BODY_ERRORS, Error
from ..security import key_with

router = Router(tags=["Branding"])
AUTH_ERRORS = {401: Error, 403: Error}
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]


class BrandingOut(Schema):
    name: str
    accent_color: str = Field(description="`#RRGGBB`")
    logo_url: str | None = Field(description="Absolute URL of the logo, named by its hash.")
    logo_content_type: str | None
    welcome_text: str
    starter_prompts: list[str]
    email_from_name: str = Field(description="Empty: the instance name.")
    email_subject_prefix: str = Field(description="Empty: the name in brackets.")
    return_url: str = Field(description="“Back to your app” URL for JWT error pages; or empty.")

    @staticmethod
    def of(brand: Brand) -> "BrandingOut":
        return BrandingOut(
            name=brand.name,
            accent_color=brand.accent_color,
            logo_url=f"{settings.PUBLIC_URL}{brand.logo_url}" if brand.logo_url else None,
            logo_content_type=brand.logo_content_type or None,
            welcome_text=brand.welcome_text,
            starter_prompts=list(brand.starter_prompts),
            email_from_name=brand.email_from_name,
            email_subject_prefix=brand.email_subject_prefix,
            return_url=brand.return_url,
        )


class BrandingPatch(Schema):
    """Only the fields sent change. `logo`: a PNG or SVG as base64 (at most 256 KiB once
    decoded), or null to remove it."""

    model_config = ConfigDict(extra="forbid")
    name: (
        Annotated[
            str,
            Field(
                min_length=1,
                max_length=NAME_MAX,
                json_schema_extra=lambda schema: schema.update(pattern=public_id_pattern()),
            ),
        ]
        | None
    ) = None
    accent_color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None
    # No length here: parley.branding.logo says "larger than 256 KiB", as everywhere else.
    logo: str | None = Field(
        None, description=f"PNG or SVG file in base64, at most {MAX_LOGO_BYTES // 1024} KiB."
    )
    welcome_text: Annotated[Text, Field(max_length=WELCOME_MAX)] | None = None
    starter_prompts: (
        Annotated[list[Annotated[Text, Field(max_length=PROMPT_MAX)]], Field(max_length=4)] | None
    ) = None
    email_from_name: Annotated[Text, Field(max_length=FROM_NAME_MAX)] | None = None
    email_subject_prefix: Annotated[Text, Field(max_length=SUBJECT_PREFIX_MAX)] | None = None
    return_url: Annotated[Text, Field(max_length=RETURN_URL_MAX)] | None = None


assert MAX_PROMPTS == 4  # the schema's max_length above


def _logo_bytes(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            "logo is not base64", user_message="The logo must be the image file in base64."
        ) from None


@router.get(
    "/branding", auth=key_with(roles.MANAGE_BRANDING), response={200: BrandingOut, **AUTH_ERRORS}
)
def get_branding(request):
    """The instance's name, accent colour, logo, chat welcome and email sender."""
    return BrandingOut.of(current_brand())


@router.patch(
    "/branding",
    auth=key_with(roles.MANAGE_BRANDING),
    response={200: BrandingOut, 422: Error, **AUTH_ERRORS, **BODY_ERRORS},
)
def update_branding(request, body: BrandingPatch):
    """Change the fields sent (null clears a text; the name and colour cannot be cleared).
    A bad colour, an oversized or non-image logo or a
    non-http(s) URL is refused (422) and nothing changes."""
    changes = body.model_dump(exclude_unset=True)
    if changes.get("logo") is not None:
        changes["logo"] = _logo_bytes(changes["logo"])
    return BrandingOut.of(services.update_branding(**changes))
