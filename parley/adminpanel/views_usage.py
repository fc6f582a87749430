"""Admin panel → Usage: each group and person this period against their limits, a chart
per day, CSV export, and the limits themselves (instance, group, personal) with the time
zone they reset in. Views only translate HTTP to parley.chat.limits, usage and usage_report."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods

from parley.accounts import roles
from parley.accounts.models import User
from parley.chat import limits, usage_report
from parley.chat import usage as chat_usage
from parley.errors import ParleyError
from parley.groups.models import Group

from .access import role_required
from .forms_models import LimitsForm, TimeZoneForm
from .views import _page

CHART_WIDTH, CHART_HEIGHT = 600, 120


def _changes_need_settings(request) -> None:
    """Auditors read usage; changing limits or the time zone is a settings change."""
    if request.method == "POST" and not roles.can(request.user.role, roles.MANAGE_SETTINGS):
        raise PermissionDenied(f"{roles.MANAGE_SETTINGS} required")


def _period(request) -> str:
    period = request.GET.get("period", "day")
    return period if period in limits.PERIODS else "day"


def chart(days) -> dict:
    """Bar geometry for the server-rendered SVG (presentation attributes, no style)."""
    top = max((day.messages for day in days), default=0) or 1
    step = CHART_WIDTH / len(days)
    bars = []
    for index, day in enumerate(days):
        height = round(day.messages / top * (CHART_HEIGHT - 10), 1)
        bars.append(
            {
                "x": round(index * step + 1, 1),
                "y": round(CHART_HEIGHT - height, 1),
                "width": round(step - 2, 1),
                "height": height,
                "day": day,
            }
        )
    total = sum(day.messages for day in days)
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "top": top,
            "total": total, "first": days[0].day, "last": days[-1].day}  # fmt: skip


def _initial(row) -> dict:
    return {name: getattr(row, name, None) for name in limits.FIELDS}


def _save_limits(request, form: LimitsForm, save, done: str) -> bool:
    if not form.is_valid():
        return False
    try:
        save(form.values())
    except ParleyError as error:
        form.add_error(None, error.user_message)
        return False
    messages.success(request, done)
    return True


@require_http_methods(["GET", "POST"])
@role_required(roles.VIEW_USAGE)
def usage(request):
    _changes_need_settings(request)
    settings_row = chat_usage.chat_settings()
    initial = _initial(settings_row)
    is_zone = request.POST.get("action") == "time_zone"
    form = LimitsForm(request.POST if request.method == "POST" and not is_zone else None,
                      initial=initial)  # fmt: skip
    zone_form = TimeZoneForm(request.POST if is_zone else None,
                             initial={"time_zone": limits.instance_zone().key})  # fmt: skip
    if request.method == "POST":
        if is_zone and zone_form.is_valid():
            limits.set_time_zone(name=zone_form.cleaned_data["time_zone"])
            zone = zone_form.cleaned_data["time_zone"]
            messages.success(request, f"Limits now reset at midnight in {zone}.")
            return redirect("adminpanel:usage")
        if not is_zone and _save_limits(
            request,
            form,
            lambda values: chat_usage.set_instance_limits(values=values),
            "Default limits saved.",
        ):
            return redirect("adminpanel:usage")
    period, query = _period(request), request.GET.get("q", "").strip()[:100]
    found = usage_report.report(period=period, query=query)
    return _page(
        request,
        "adminpanel/usage.html",
        section="usage",
        title="Usage",
        report=found,
        query=query,
        periods=limits.PERIODS,
        chart=chart(usage_report.daily(today=found.today)),
        form=form,
        zone_form=zone_form,
    )


@require_GET
@role_required(roles.VIEW_USAGE)
def usage_csv(request):
    found = usage_report.report(period=_period(request), query=request.GET.get("q", "")[:100])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="parley-usage-{found.period}-{found.start.isoformat()}.csv"'
    )
    csv.writer(response).writerows(usage_report.csv_rows(found))
    return response


@require_http_methods(["GET", "POST"])
@role_required(roles.VIEW_USAGE)
def usage_group(request, group_id):
    _changes_need_settings(request)
    group = get_object_or_404(Group, pk=group_id)
    row = limits.group_limit_row(group=group)
    form = LimitsForm(request.POST or None, initial=_initial(row))
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            chat_usage.set_group_limits(group=group, values=None)
            messages.success(request, f"“{group.name}” no longer sets limits.")
            return redirect("adminpanel:usage_group", group_id=group.pk)
        if _save_limits(
            request,
            form,
            lambda values: chat_usage.set_group_limits(group=group, values=values),
            f"Limits of “{group.name}” saved.",
        ):
            return redirect("adminpanel:usage_group", group_id=group.pk)
    member_ids = list(group.memberships.values_list("user_id", flat=True))
    return _page(
        request,
        "adminpanel/usage_limits.html",
        section="usage",
        title=f"Usage of {group.name}",
        heading=group.name,
        about=f"Group · {len(member_ids)} member{'s' if len(member_ids) != 1 else ''}",
        explain="Each member's limit (not a pool they share). A member of several groups "
        "gets the most generous; a personal limit beats them all.",
        has_limits=row is not None,
        clear_label="Remove this group's limits",
        chart=chart(usage_report.daily(user_ids=member_ids)),
        form=form,
    )


@require_http_methods(["GET", "POST"])
@role_required(roles.VIEW_USAGE)
def usage_user(request, public_id):
    _changes_need_settings(request)
    person = get_object_or_404(User, public_id=public_id)
    row = limits.user_limit_row(user=person)
    applying = limits.limits_for(user=person)
    form = LimitsForm(request.POST or None, initial=_initial(row))
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            chat_usage.set_user_limit(user=person, override=False)
            messages.success(request, "This person now follows their groups or the defaults.")
            return redirect("adminpanel:usage_user", public_id=person.public_id)
        if _save_limits(
            request,
            form,
            lambda values: chat_usage.set_user_limit(user=person, override=True, values=values),
            "Personal limits saved.",
        ):
            return redirect("adminpanel:usage_user", public_id=person.public_id)
    zone = limits.instance_zone()
    used = limits.used_by(user_ids=[person.pk], today=limits.local_today(zone))
    return _page(
        request,
        "adminpanel/usage_limits.html",
        section="usage",
        title=f"Usage of {person.display_name}",
        heading=person.display_name,
        person=person,
        about=f"User {person.public_id}",
        explain="Personal limits replace the person's group limits and the defaults.",
        has_limits=row is not None,
        clear_label="Follow the group or default limits",
        applying=applying,
        used=[
            (f"{m.capitalize()} this {p}", used.of(n), applying.values[n])
            for m, p, n in limits.LIMITS
        ],  # fmt: skip
        chart=chart(usage_report.daily(user_ids=[person.pk])),
        form=form,
    )
