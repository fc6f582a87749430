"""/widget.js: small, JavaScript, cacheable and revalidated by ETag."""

from parley.widget.views import SCRIPT


def test_widget_js_is_javascript_under_10_kb_with_cache_headers(client, db):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert len(response.content) == len(SCRIPT) < 10 * 1024
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"].startswith('"')
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_unchanged_script_is_a_304(client, db):
    etag = client.get("/widget.js")["ETag"]
    again = client.get("/widget.js", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get("/widget.js", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_script_never_posts_to_any_origin():
    text = SCRIPT.decode()
    assert '"*"' not in text and "'*'" not in text
    assert "postMessage(message, origin)" in text
