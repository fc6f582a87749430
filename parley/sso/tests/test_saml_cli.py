"""`parley sso add-saml`: a SAML provider as code from a metadata file or URL, shown by
`sso list`; unusable metadata exits non-zero with one clear line and saves nothing."""

import json

from parley.cli import main
from parley.external_auth.tests.conftest import KeyServer
from parley.sso.models import Kind, Provider
from parley.sso.tests import saml_builder as idp
from parley.tests.serving import assert_one_line_error


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_saml_from_a_metadata_file_and_list_it(db, capsys, tmp_path):
    metadata = tmp_path / "idp.xml"
    metadata.write_text(idp.metadata_xml(idp.make_key_and_cert()[1]))
    code, out, err = run(
        capsys, "sso", "add-saml", "--name", "Corp", "--metadata-file", str(metadata),
        "--attr-email", "mail", "--attr-groups", "memberOf", "--domains", "corp.test",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "/accounts/saml/corp/metadata/" in out and "/accounts/saml/corp/acs/" in out
    provider = Provider.objects.get()
    assert (provider.kind, provider.groups_claim) == (Kind.SAML, "memberOf")
    code, out, _ = run(capsys, "sso", "list", "--json")
    [listed] = json.loads(out)
    assert listed["kind"] == "saml" and listed["issuer"] == idp.IDP_ENTITY_ID
    assert listed["attributes"]["email"] == "mail"
    assert listed["sp_metadata_url"].endswith("/accounts/saml/corp/metadata/")
    code, out, _ = run(capsys, "sso", "list")
    assert "Corp" in out and "saml" in out


def test_add_saml_from_a_metadata_url(db, capsys, settings):
    settings.SSO_ALLOW_HTTP_LOOPBACK = True
    server = KeyServer()
    server.bodies["/md"] = idp.metadata_xml(idp.make_key_and_cert()[1]).encode()
    try:
        url = f"{server.origin}/md"
        code, out, err = run(capsys, "sso", "add-saml", "--name", "Corp", "--metadata-url", url)
        assert_one_line_error(code, err)
        assert "loopback" in err
        code, out, err = run(
            capsys, "sso", "add-saml", "--name", "Corp", "--metadata-url", url,
            "--allow-private-network",
        )  # fmt: skip
        assert (code, err) == (0, "")
    finally:
        server.httpd.shutdown()
    assert Provider.objects.get().metadata_url == url


def test_unusable_metadata_exits_non_zero_with_one_line(db, capsys, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<md:EntityDescriptor\n\n oops")
    code, out, err = run(capsys, "sso", "add-saml", "--name", "Corp", "--metadata-file", str(bad))
    assert_one_line_error(code, err)
    assert "not valid SAML metadata" in err
    code, out, err = run(
        capsys, "sso", "add-saml", "--name", "Corp", "--metadata-file", str(tmp_path / "none")
    )
    assert_one_line_error(code, err)
    assert not Provider.objects.exists()
