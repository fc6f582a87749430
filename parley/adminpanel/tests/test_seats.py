"""The seats page: usage bar and setting the limit, with clear errors for bad or too-low limits."""

from django.urls import reverse

from parley.accounts import services

SEATS = reverse("adminpanel:seats")


def test_seats_page_shows_usage(admin_client, make_user):
    make_user()
    services.set_seat_limit(limit=5)
    html = admin_client.get(SEATS).content.decode()
    assert "2 of 5 seats in use" in html
    assert 'value="5"' in html


def test_setting_a_limit_saves_it(admin_client):
    response = admin_client.post(SEATS, {"limit": "12"}, follow=True)
    assert services.seat_usage().limit == 12
    assert "Seat limit saved: 1/12 seats in use." in response.content.decode()


def test_unlimited_wins_over_a_number(admin_client):
    services.set_seat_limit(limit=3)
    admin_client.post(SEATS, {"limit": "7", "unlimited": "on"})
    assert services.seat_usage().limit is None
    assert "no seat limit" in admin_client.get(SEATS).content.decode()


def test_a_limit_below_the_seats_in_use_is_refused_clearly(admin_client, make_user):
    make_user()
    make_user()
    response = admin_client.post(SEATS, {"limit": "2"})
    assert response.status_code == 200
    assert "3 seats are in use, so the limit cannot be 2." in response.content.decode()
    assert services.seat_usage().limit is None


def test_nonsense_limits_are_form_errors(admin_client):
    for value in ["-1", "many", "2.5", "99999999999999999999"]:
        response = admin_client.post(SEATS, {"limit": value})
        assert response.status_code == 200, value
        assert 'class="errorlist"' in response.content.decode(), value
    assert services.seat_usage().limit is None


def test_empty_limit_without_unlimited_asks_for_a_choice(admin_client):
    services.set_seat_limit(limit=3)
    response = admin_client.post(SEATS, {"limit": ""})
    assert "Enter a number of seats, or tick “Unlimited”." in response.content.decode()
    assert services.seat_usage().limit == 3
