"""`parley branding set/show`: the same rules as the admin page and the API, one error line."""

import json

from parley.branding.logo import MAX_LOGO_BYTES
from parley.branding.selectors import current_brand
from parley.branding.tests.test_logo_checks import SVG, png
from parley.tests.serving import assert_one_line_error
from parley.tests.test_cli import run


def test_set_then_show_as_text_and_json(db, capsys, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_bytes(SVG)
    code, out, _ = run(
        capsys,
        "branding", "set", "--name", "Acme Chat", "--accent", "#FF6600", "--logo", str(logo),
        "--welcome", "Hello", "--prompt", "One", "--prompt", "Two",
        "--return-url", "https://app.acme.test",
    )  # fmt: skip
    assert code == 0 and "name: Acme Chat" in out and "accent_color: #ff6600" in out
    shown = json.loads(run(capsys, "branding", "show", "--json")[1])
    assert shown["name"] == "Acme Chat" and shown["starter_prompts"] == ["One", "Two"]
    assert shown["logo_content_type"] == "image/svg+xml"
    assert shown["logo_url"].startswith("http://127.0.0.1:8000/branding/logo-")
    assert run(capsys, "branding", "set", "--no-logo")[0] == 0
    assert current_brand().logo_url == ""


def test_each_bad_value_is_one_error_line_and_changes_nothing(db, capsys, tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(png() + b"\x00" * MAX_LOGO_BYTES)
    text = tmp_path / "notes.svg"
    text.write_text("just some notes")
    for argv, said in [
        (["--accent", "blue"], "is not a colour"),
        (["--return-url", "javascript:alert(1)"], "must start with https:// or http://"),
        (["--logo", str(big)], "larger than 256 KiB"),
        (["--logo", str(text)], "PNG or SVG"),
        (["--logo", str(tmp_path / "missing.png")], "cannot read logo"),
        ([], "nothing to set"),
    ]:
        code, _, err = run(capsys, "branding", "set", *argv)
        assert_one_line_error(code, err)
        assert said in err, argv
    assert current_brand().name == "Parley"
