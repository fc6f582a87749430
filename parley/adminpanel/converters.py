"""The URL form of a public user id, which may contain any character but control characters."""

from urllib.parse import quote, unquote


class PublicIdConverter:
    """A JWT integrator chooses ids, so "a/b" or "50%" must round-trip through a URL segment.

    The id is percent-encoded once here (Django's reverse() encodes it again, and the server
    decodes that layer), so the segment never contains a bare "/".
    """

    regex = "[^/]+"
    # Characters that may stand in a path segment as they are; "/" and "%" are not among them.
    safe = "!$&'()*+,;=:@-._~"

    def to_python(self, value: str) -> str:
        return unquote(value)

    def to_url(self, value: str) -> str:
        return quote(value, safe=self.safe)
