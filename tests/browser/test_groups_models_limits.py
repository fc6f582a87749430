"""Issue 14 in a browser: a group decides who sees a model in the chat's picker, and the
group's daily message limit stops a member's second message with a message saying why."""

import pytest
from playwright.sync_api import expect

from parley.chat import catalogue
from parley.chat import usage as chat_usage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def test_a_group_decides_the_models_and_its_limit_stops_the_second_message(
    chat_page, make_user, make_group, make_provider, log_in
):
    page = chat_page
    model = make_provider(names=("team-model",)).models.get()
    member, outsider = make_user(email="sam@example.com"), make_user(email="olu@example.com")
    sales = make_group("Sales", member)
    catalogue.set_model_access(model=model, everyone=False, groups=[sales])
    chat_usage.set_group_limits(group=sales, values={"messages_per_day": 1})
    team_option = page.locator("#model-picker option", has_text="team-model")

    log_in(page, outsider)
    expect(page.locator("#model-picker")).to_be_visible()
    expect(team_option).to_have_count(0)

    page.context.clear_cookies()
    log_in(page, member)
    expect(team_option).to_have_count(1)
    page.get_by_label("Message").fill("Hello")
    page.get_by_label("Message").press("Enter")
    expect(page.locator(".msg-assistant").last).to_have_attribute(
        "data-status", "complete", timeout=20_000
    )

    page.get_by_label("Message").fill("And again")
    page.get_by_label("Message").press("Enter")
    expect(page.get_by_text("You have reached your limit of 1 message a day")).to_be_visible()
