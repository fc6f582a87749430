"""No script from a model or a person ever runs: markdown is rendered without raw HTML and
sanitised; a person's own text is escaped."""

from html.parser import HTMLParser

import pytest

from parley.chat import markdown
from parley.chat.models import Message

ATTACKS = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_markup_in_an_answer_is_shown_as_text(attack):
    html = markdown.render(f"Look: {attack}")
    assert "<img" not in html and "<script" not in html
    assert "&lt;" in html


def test_dangerous_links_are_dropped_and_safe_ones_hardened():
    html = markdown.render("[a](javascript:alert(1)) [b](https://example.com)")
    assert "javascript:" not in html.split("[a]")[-1] or 'href="javascript' not in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">b</a>' in html


def test_code_blocks_and_tables_survive():
    html = markdown.render("```js\nif (a < b) {}\n```\n\n| x |\n|---|\n| 1 |")
    assert '<pre><code class="language-js">if (a &lt; b) {}\n</code></pre>' in html
    assert "<table>" in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(30)
def test_a_model_answer_with_markup_is_sanitised_both_live_and_saved(chatter, provider_model):
    person = chatter()
    conversation = person.new(provider_model("xss"))
    _, events = person.send(conversation, "hi")
    final = events[-1][1]["html"]
    page = person.http.get(f"/c/{conversation}/").text
    for html in (final, page):
        assert "<img src=x" not in html and "<script>alert(2)" not in html
        assert 'href="javascript' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in final
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(30)
@pytest.mark.parametrize("attack", ATTACKS)
def test_a_persons_markup_is_escaped_on_the_page_and_to_the_model(chatter, provider_model, attack):
    person = chatter()
    conversation = person.new(provider_model("echo"))
    _, events = person.send(conversation, attack)
    assert Message.objects.get(role="user").content == attack  # stored as typed
    page = person.http.get(f"/c/{conversation}/").text
    assert attack not in page
    assert attack.replace("<", "&lt;").replace(">", "&gt;") in page
    assert attack not in events[-1][1]["html"]  # the echo comes back sanitised


def test_table_alignment_comes_as_a_class_since_the_csp_allows_no_style_attribute():
    html = markdown.render("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |")
    assert "style=" not in html
    assert '<th class="align-left">a</th>' in html
    assert '<td class="align-center">2</td>' in html
    assert '<td class="align-right">3</td>' in html
    assert "<td>4</td>" in html


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    found = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: found.append((tag, attrs))
    parser.feed(html)
    return found


STREAM_ATTACKS = [
    *ATTACKS,
    "<svg onload=alert(3)>",
    "[a](javascript:alert(4))",
    '<a href="javascript:alert(5)">x</a>',
    "`</code><script>alert(6)</script>`",
    "```\n</code></pre><img src=x onerror=alert(7)>\n```",
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(30)
@pytest.mark.parametrize("attack", STREAM_ATTACKS)
def test_every_rendering_sent_while_an_answer_streams_is_sanitised(chatter, monkeypatch, attack):
    from parley.chat import demo, stream

    monkeypatch.setattr(stream, "SNAPSHOT_SECONDS", 0)  # a rendering after every word
    monkeypatch.setattr(demo, "answer_for", lambda prompt: f"Look: {attack} **done**")
    person = chatter()
    conversation = person.new()
    _, events = person.send(conversation, "hi")
    renderings = [data["h"] for name, data in events if name == "html"]
    assert len(renderings) >= 3
    assert renderings[-1] == events[-1][1]["html"]  # the last rendering is the saved one
    for html in renderings:
        for tag, attributes in _tags(html):
            assert tag in markdown._TAGS
            for name, value in attributes:
                assert not name.startswith("on") and name != "style"
                assert not (value or "").strip().lower().startswith("javascript:")


def test_the_streamed_rendering_goes_through_the_same_sanitiser(monkeypatch):
    from parley.chat import stream

    assert stream.markdown.render is markdown.render
