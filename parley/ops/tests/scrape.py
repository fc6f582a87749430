"""Reading a /metrics answer the way Prometheus does, for the tests."""

from prometheus_client.parser import text_string_to_metric_families


def scraped(response) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of a /metrics response (Django's or httpx's)."""
    text = response.content.decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
