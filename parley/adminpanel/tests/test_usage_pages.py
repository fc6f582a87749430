"""Admin panel → Usage → a group's and a person's page, through HTTP: what each has used this
period against the limit that applies, their limits set and cleared, and the time zone the
periods reset in."""

import re

from django.urls import reverse

from parley.chat import conversations, limits, replies
from parley.chat.providers import Usage


def _chat(user, times=1):
    for _ in range(times):
        conversation = conversations.create_conversation(user=user)
        plan = replies.start_reply(user=user, public_id=conversation.public_id, content="hi")
        usage = Usage(prompt_tokens=10, completion_tokens=5, estimated=False)
        replies.finish_reply(plan=plan, content="answer", status="complete", usage=usage)


def _rows(page: str) -> list[list[str]]:
    """The cells of each body row of the page's usage tables, tags stripped."""
    rows = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", page, re.S):
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            rows.append([re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in cells])
    return rows


def test_a_groups_weekly_limit_is_set_on_its_page_and_shows_for_its_members(
    admin_client, make_user, make_group
):
    pat = make_user(email="pat@example.com")
    group = make_group("Support", pat)
    _chat(pat, times=2)
    url = reverse("adminpanel:usage_group", args=[group.pk])

    page = admin_client.post(url, {"messages_per_week": "10"}, follow=True).content.decode()

    assert "Limits of “Support” saved." in page
    assert "Group · 1 member" in page
    assert "<svg" in page  # the 30-day chart of its members
    person = admin_client.get(reverse("adminpanel:usage_user", args=[pat.public_id]))
    assert ["Messages this week", "2", "10"] in _rows(person.content.decode())
    overview = admin_client.get(reverse("adminpanel:usage") + "?period=week").content.decode()
    assert ["Support", "1", "2", "30", "10 / none"] in _rows(overview)


def test_clearing_a_groups_limits_lets_its_members_follow_the_defaults(
    admin_client, make_user, make_group
):
    pat = make_user()
    group = make_group("Support", pat)
    url = reverse("adminpanel:usage_group", args=[group.pk])
    admin_client.post(url, {"messages_per_day": "3"})
    assert limits.limits_for(user=pat).values["messages_per_day"] == 3

    page = admin_client.post(url, {"action": "clear"}, follow=True).content.decode()

    assert "“Support” no longer sets limits." in page
    assert limits.limits_for(user=pat).source == "instance"
    assert limits.limits_for(user=pat).values["messages_per_day"] is None


def test_a_person_in_two_groups_gets_the_more_generous_limit_on_their_page(
    admin_client, make_user, make_group
):
    pat = make_user()
    small, large = make_group("Small", pat), make_group("Large", pat)
    admin_client.post(reverse("adminpanel:usage_group", args=[small.pk]), {"messages_per_day": "2"})
    admin_client.post(reverse("adminpanel:usage_group", args=[large.pk]), {"messages_per_day": "9"})
    _chat(pat)

    page = admin_client.get(reverse("adminpanel:usage_user", args=[pat.public_id])).content.decode()

    assert "Limit (group)" in page
    assert ["Messages this day", "1", "9"] in _rows(page)


def test_a_personal_limit_beats_the_groups_and_says_so(admin_client, make_user, make_group):
    pat = make_user()
    group = make_group("Large", pat)
    admin_client.post(reverse("adminpanel:usage_group", args=[group.pk]), {"messages_per_day": "9"})
    url = reverse("adminpanel:usage_user", args=[pat.public_id])

    page = admin_client.post(url, {"messages_per_day": "1"}, follow=True).content.decode()

    assert "Limit (personal)" in page
    assert ["Messages this day", "0", "1"] in _rows(page)


def test_a_bad_limit_on_a_groups_page_is_a_form_error_and_saves_nothing(
    admin_client, make_user, make_group
):
    pat = make_user()
    group = make_group("Support", pat)
    url = reverse("adminpanel:usage_group", args=[group.pk])

    page = admin_client.post(url, {"tokens_per_month": "lots"}).content.decode()

    assert "Enter a whole number." in page
    assert limits.group_limit_row(group=group) is None


def test_an_unknown_group_or_person_is_not_found(admin_client):
    assert admin_client.get(reverse("adminpanel:usage_group", args=[999999])).status_code == 404
    assert admin_client.get(reverse("adminpanel:usage_user", args=["nobody"])).status_code == 404


def test_the_time_zone_limits_reset_in_is_set_on_the_usage_page(admin_client):
    usage = reverse("adminpanel:usage")
    page = admin_client.post(
        usage, {"action": "time_zone", "time_zone": "Europe/Berlin"}, follow=True
    ).content.decode()
    assert "Limits now reset at midnight in Europe/Berlin." in page
    assert limits.instance_zone().key == "Europe/Berlin"

    page = admin_client.post(usage, {"action": "time_zone", "time_zone": "Mars/Olympus"})
    assert page.status_code == 200
    assert 'aria-invalid="true"' in page.content.decode()
    assert limits.instance_zone().key == "Europe/Berlin"
