"""A link `parley createadmin` prints, beside a `parley serve` on a port of its own, opens the
admin panel in a real browser: it names the port serve listens on, not 8000."""

from playwright.sync_api import expect

from parley.tests.serving import parley_env, run_cli, serving


def test_the_createadmin_link_opens_the_admin_panel_on_the_served_port(browser, tmp_path):
    env = parley_env(tmp_path)
    with serving(env, tmp_path / "serve.log") as base:
        link = run_cli(env, "createadmin", "--email", "ops@example.com").splitlines()[-1]
        assert link.startswith(base) and not base.endswith(":8000")
        context = browser.new_context()
        page = context.new_page()
        page.goto(link)
        expect(page.get_by_role("heading", name="Users")).to_be_visible()
        assert page.url.startswith(base + "/admin/")
        context.close()
