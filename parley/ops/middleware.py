"""Counts every response Django gives, by status class (see metrics), and
answers health probes and metrics scrapes whatever Host they name."""

from . import metrics, views


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        metrics.count_request(response.status_code)
        return response


# Load balancers, kubernetes probes and Prometheus reach a worker by its IP, so their Host
# header is an address that ALLOWED_HOSTS rightly does not list. These views build no URL
# from the host, so they are answered here, before CommonMiddleware's host check (and so
# they need no URL patterns).
PROBES = {"/healthz": views.healthz, "/readyz": views.readyz, "/metrics": views.metrics_view}


class ProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
