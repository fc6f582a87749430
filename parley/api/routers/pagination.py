"""limit/offset paging, shared by every list endpoint."""

from ninja import Field, Schema

MAX_LIMIT = 200


class Page(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)
