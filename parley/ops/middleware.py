"""Counts every response Django gives, by status class (a dict increment, see metrics)."""

from . import metrics


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        metrics.count_request(response.status_code)
        return response
