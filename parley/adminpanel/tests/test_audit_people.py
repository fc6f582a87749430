"""The audit log names people: email and name beside the user ID, a link only for an ID
that is a user (an unknown one, such as a code naming nobody, would link to a 404)."""

from django.urls import reverse

from parley.accounts import services
from parley.audit.services import record_event


def test_a_user_id_shows_name_and_email_and_links_to_the_user(admin_client, make_user):
    casey = services.set_name(user=make_user(email="casey@example.com"), name="Casey Jones")
    record_event(method="jwt", outcome="success", reason="ok", public_user_id=casey.public_id)
    html = admin_client.get(reverse("adminpanel:audit")).content.decode()
    link = reverse("adminpanel:user", kwargs={"public_id": casey.public_id})
    assert f'<a class="mono" href="{link}">{casey.public_id}</a>' in html
    assert "<div>Casey Jones</div>" in html and "casey@example.com" in html


def test_an_id_that_never_became_a_user_is_not_a_link(admin_client):
    record_event(method="jwt", outcome="failure", reason="user_not_found", public_user_id="ghost-7")
    html = admin_client.get(reverse("adminpanel:audit")).content.decode()
    assert '<span class="mono">ghost-7</span>' in html and "no user with this ID" in html
    assert "/admin/users/ghost-7/" not in html


def test_naming_people_costs_one_query_however_many_events(admin_client, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_a_page_with(count):
        for n in range(count):
            user = make_user()
            record_event(
                method="email", outcome="success", reason="ok", public_user_id=user.public_id
            )
            record_event(method="jwt", outcome="failure", reason="x", public_user_id=f"gone-{n}")
        with CaptureQueriesContext(connection) as captured:
            admin_client.get(reverse("adminpanel:audit"))
        return len(captured)

    admin_client.get(reverse("adminpanel:audit"))  # warm: session and branding cached
    assert queries_for_a_page_with(1) == queries_for_a_page_with(9)
