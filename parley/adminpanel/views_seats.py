"""Admin Panel → Seats (DESIGN §5): the limit, who holds the seats, and freeing the seats of
members who stopped coming, after a confirm step."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from parley.accounts import inactivity, roles, services
from parley.errors import ParleyError

from .access import role_required
from .forms import SeatLimitForm
from .views import _page, _paginate

DEFAULT_INACTIVE_DAYS = 90


def _render(request, *, form, inactive_error: str = "", days=DEFAULT_INACTIVE_DAYS):
    return _page(
        request,
        "adminpanel/seats.html",
        section="seats",
        title="Seats",
        form=form,
        usage=services.seat_usage(),
        holders=_paginate(request, inactivity.seat_holders()),
        inactive_days=days,
        inactive_error=inactive_error,
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.MANAGE_SEATS)
def seats(request):
    current = services.get_instance_settings().seat_limit
    initial = {"limit": current, "unlimited": current is None}
    form = SeatLimitForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            usage = services.set_seat_limit(limit=form.seat_limit())
        except ParleyError as error:
            form.add_error("limit", error.user_message)
        else:
            messages.success(request, f"Seat limit saved: {usage} seats in use.")
            return redirect("adminpanel:seats")
    return _render(request, form=form)


@require_POST
@role_required(roles.MANAGE_USERS)
def seats_free_inactive(request):
    """First POST: the list of who would be deactivated, to confirm. Second POST (confirm):
    deactivate exactly those still inactive, each audited."""
    days_text = request.POST.get("days", "")
    try:
        found = inactivity.inactive_members(days=days_text)
    except ParleyError as error:
        form = SeatLimitForm(initial={"limit": services.get_instance_settings().seat_limit})
        return _render(request, form=form, inactive_error=error.user_message, days=days_text)
    if request.POST.get("confirm") != "yes":
        return _page(
            request,
            "adminpanel/seats_confirm.html",
            section="seats",
            title="Free seats",
            found=found,
        )
    done = inactivity.deactivate_inactive(
        days=found.days,
        public_ids=request.POST.getlist("user"),
        actor=request.user,
        request=request,
    )
    messages.success(
        request,
        f"Deactivated {len(done)} {'person' if len(done) == 1 else 'people'} with no login "
        f"for {found.days} days; their seats are free.",
    )
    return redirect("adminpanel:seats")
