"""No page of Parley may be framed by another site, except the widget frame, which its view
lets the admin's allowed origins embed (DESIGN §6)."""

CSP = "Content-Security-Policy"


class FrameAncestorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = response.get(CSP, "")
        if "frame-ancestors" not in policy:
            response[CSP] = (
                f"{policy}; frame-ancestors 'none'" if policy else "frame-ancestors 'none'"
            )
        return response
