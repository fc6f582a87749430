"""Every error is JSON {"code", "message"}: unknown paths, wrong methods, bad bodies, crashes."""

import logging

import pytest

from .conftest import assert_json_error


def test_an_unknown_path_under_the_api_is_a_json_404(api):
    assert_json_error(api.get("/api/v1/nothing-here"), 404, "not_found")
    assert_json_error(api.get("/api/v1/users/"), 404, "not_found")
    assert_json_error(api.post("/api/v1/nothing-here", {}), 404, "not_found")


def test_a_wrong_method_is_a_json_405(api):
    response = api.delete("/api/v1/seats")
    body = assert_json_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"] and "PUT" in response["Allow"]
    assert "DELETE" in body["message"]


def test_a_body_that_is_not_json_is_a_400_invalid_json(api):
    response = api.client.post(
        "/api/v1/users",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.auth}",
    )
    body = assert_json_error(response, 400, "invalid_json")
    assert body["message"].startswith("The request body is not valid JSON: Expecting")


DEEP = '{"email": ' + "[" * 5_000 + "]" * 5_000 + "}"


def test_a_deeply_nested_body_is_invalid_json_for_an_admin_key(api):
    response = api.client.post(
        "/api/v1/users",
        DEEP,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.auth}",
    )
    body = assert_json_error(response, 400, "invalid_json")
    assert "nests deeper than" in body["message"]


def test_a_deeply_nested_body_is_invalid_json_without_a_key_where_none_is_needed(anonymous_api):
    response = anonymous_api.client.post(
        "/api/v1/auth/external", DEEP, content_type="application/json"
    )
    assert_json_error(response, 400, "invalid_json")


def test_a_deeply_nested_body_without_a_key_is_unauthorized(anonymous_api):
    response = anonymous_api.client.post("/api/v1/users", DEEP, content_type="application/json")
    assert_json_error(response, 401, "unauthorized")


def test_a_body_over_a_mebibyte_is_too_large(api):
    big = '{"email": "a@example.com", "metadata": {"x": "' + "y" * 1_100_000 + '"}}'
    response = api.client.post(
        "/api/v1/users",
        big,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.auth}",
    )
    assert_json_error(response, 413, "request_too_large")


def test_validation_errors_name_each_field(api):
    response = api.post("/api/v1/users", {"role": "boss", "emial": "x@example.com"})
    body = assert_json_error(response, 422, "validation_failed")
    fields = {tuple(e["loc"])[-1] for e in body["errors"]}
    assert {"role", "emial"} <= fields
    assert all({"loc", "msg", "type"} == set(e) for e in body["errors"])


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=ten"])
def test_out_of_range_paging_is_a_422(api, query):
    assert_json_error(api.get(f"/api/v1/users?{query}"), 422, "validation_failed")


def test_an_unexpected_failure_is_a_logged_json_500_without_traceback(
    api, monkeypatch, caplog, settings
):
    from parley.accounts import services

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "seat_usage", broken)
    with caplog.at_level(logging.ERROR, logger="parley.api"):
        response = api.get("/api/v1/seats")
    body = assert_json_error(response, 500, "server_error")
    assert "database on fire" not in response.content.decode()
    assert "Traceback" not in body["message"]
    assert any("database on fire" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
