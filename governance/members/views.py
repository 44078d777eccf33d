"""Pages for the secretariat: the member list, a city's page, adding and editing cities and populations."""

import datetime as dt
from typing import NamedTuple, Optional

from babel.numbers import get_group_symbol
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from governance import clock, labels
from governance.accounts.auth import allowed
from governance.api.common import parse_iso_date
from governance.errors import DomainError
from governance.extensions import db
from governance.members import services as members
from governance.members.forms import CityForm, EditCityForm, PopulationForm
from governance.members.models import City
from governance.network import rules
from governance.views_common import errors_into_form

bp = Blueprint("members", __name__)

SORTS = {"name", "province", "population"}


def _day_arg() -> tuple[dt.date, str | None]:
    raw = request.args.get("on")
    if not raw:
        return clock.today(), None
    parsed = parse_iso_date(raw)
    if parsed is None:
        return clock.today(), _("'%(value)s' is not a date; showing today.", value=raw[:40])
    return parsed, None


@bp.route("/cities")
@allowed(City.can_read)
def city_list():
    """The member list: every role may read it (the API's /cities answers them too); the secretariat manages it."""
    day, date_problem = _day_arg()
    status = request.args.get("status", "member")
    if status not in (*members.CityStatus.ALL, "all"):
        status = "member"
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    descending = request.args.get("dir") == "desc"
    rows = members.member_list_rows(None if status == "all" else status, day)
    query = (request.args.get("q") or "").strip()[:100]
    if query:
        rows = [row for row in rows if members.matches(row, query)]
    if sort == "province":
        rows.sort(key=lambda r: (r.province, members.name_sort_key(r.name)), reverse=descending)
    elif sort == "population":
        rows.sort(key=lambda r: r.population or 0, reverse=descending)
    elif descending:
        rows.reverse()
    counts = {value: 0 for value in members.CityStatus.ALL}
    for row in rows:
        counts[row.status] += 1
    member_rows = [r for r in rows if r.status == members.CityStatus.MEMBER]
    totalled = member_rows if member_rows else rows
    network = rules.get_network()
    return render_template(
        "members/list.html",
        rows=_displayed_rows(rows, City.can_read(current_user)),
        count_text=_count_text(counts),
        members_counted=bool(member_rows),
        total=sum(r.population or 0 for r in totalled),
        total_count=len(totalled),
        day=day,
        status=status,
        sort=sort,
        descending=descending,
        date_problem=date_problem,
        network_name_on=rules.name_on(network, day),
        statuses=members.CityStatus.ALL,
        can_manage=City.can_create(current_user),
        query=query,
    )


def _count_text(counts: dict[str, int]) -> str:
    """'38 member cities, 2 applicants': members counted apart from the other cities listed."""
    parts = []
    if counts["member"] or not any(counts.values()):
        parts.append(ngettext("%(num)d member city", "%(num)d member cities", counts["member"]))
    if counts["applicant"]:
        parts.append(ngettext("%(num)d applicant", "%(num)d applicants", counts["applicant"]))
    if counts["former"]:
        parts.append(ngettext("%(num)d former member", "%(num)d former members", counts["former"]))
    if counts["none"]:
        parts.append(ngettext("%(num)d other city", "%(num)d other cities", counts["none"]))
    return ", ".join(parts)


class ShownRow(NamedTuple):
    """A member-list row as the page prints it (attributes, which Jinja reads faster than a dict's keys)."""

    name: str
    url: Optional[str]
    cbs_code: str
    province: str
    population: str
    reference_date: str
    status: str
    since: str


def _displayed_rows(rows: list, linked: bool) -> list[ShownRow]:
    """Each row as the strings the page shows, formatted here once per distinct value, not per row in the template."""
    group = get_group_symbol(get_locale())

    status_labels = {value: labels.city_status(value) for value in members.CityStatus.ALL}
    dates = {d for r in rows for d in (r.reference_date, r.member_since, r.member_from, r.member_until) if d}
    long_dates = {day_: format_date(day_, "long") for day_ in dates}
    before_records = _("before 2009")
    link_base = url_for("members.city_detail", city_id=0)[: -len("0")] if linked else None
    shown = []
    for r in rows:
        if r.status == members.CityStatus.MEMBER:
            since = before_records if r.is_founding else long_dates.get(r.member_since, "")
        elif r.member_from:
            since = _("admitted; member from %(date)s", date=long_dates[r.member_from])
        elif r.member_until:
            since = _("member until %(date)s", date=long_dates[r.member_until])
        else:
            since = ""
        shown.append(
            ShownRow(
                r.name,
                f"{link_base}{r.city_id}" if link_base else None,
                r.cbs_code,
                r.province,
                f"{r.population:,}".replace(",", group) if r.population is not None else "—",
                long_dates[r.reference_date] if r.reference_date else "—",
                status_labels[r.status],
                since,
            )
        )
    return shown


@bp.route("/cities/new", methods=["GET", "POST"])
@allowed(City.can_create)
def city_new():
    form = CityForm()
    if form.validate_on_submit():
        try:
            city = members.create_city(
                current_user,
                members.CityInput(
                    name=form.name.data,
                    cbs_code=form.cbs_code.data,
                    province=form.province.data,
                    population=form.population.data,
                    population_date=form.population_date.data,
                    population_source=form.population_source.data,
                    joined_on=form.joined_on.data,
                ),
            )
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s has been added.", name=city.name), "success")
            return redirect(url_for("members.city_detail", city_id=city.id))
    elif request.method == "POST":
        # Show the registry's rules next to the form's own, so one round trip reveals every problem.
        problems = members.city_problems(
            members.CityInput(
                name=form.name.data,
                cbs_code=form.cbs_code.data,
                province=form.province.data,
                population=form.population.data if not form.population.errors else None,
                population_date=form.population_date.data if not form.population_date.errors else None,
            )
        )
        for field, messages in problems.items():
            target = getattr(form, field)
            if not target.errors:
                target.errors = list(target.errors) + messages
    status = 422 if request.method == "POST" else 200
    return render_template("members/city_form.html", form=form, city=None), status


@bp.route("/cities/<int:city_id>")
@allowed(City.can_read)
def city_detail(city_id):
    city = db.get_or_404(members.City, city_id)
    today = clock.today()
    return render_template(
        "members/city.html",
        city=city,
        status=members.status_on(city, today),
        population_form=PopulationForm(formdata=None),
    )


@bp.route("/cities/<int:city_id>/edit", methods=["GET", "POST"])
@allowed(City.can_edit)
def city_edit(city_id):
    city = db.get_or_404(members.City, city_id)
    form = EditCityForm(obj=city)
    if form.validate_on_submit():
        try:
            members.update_city(
                current_user,
                city,
                members.CityInput(name=form.name.data, cbs_code=form.cbs_code.data, province=form.province.data),
            )
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            flash(_("The changes to %(name)s have been saved.", name=city.name), "success")
            return redirect(url_for("members.city_detail", city_id=city.id))
    status = 422 if request.method == "POST" else 200
    return render_template("members/city_form.html", form=form, city=city), status


@bp.route("/cities/<int:city_id>/population", methods=["POST"])
@allowed(City.can_edit)
def population_new(city_id):
    city = db.get_or_404(members.City, city_id)
    form = PopulationForm()
    if form.validate_on_submit():
        try:
            members.record_population(
                current_user, city, form.population.data, form.population_date.data, form.population_source.data
            )
        except DomainError as error:
            db.session.rollback()
            errors_into_form(form, error)
        else:
            db.session.commit()
            flash(_("The population figure for %(name)s has been recorded.", name=city.name), "success")
            return redirect(url_for("members.city_detail", city_id=city.id))
    db.session.refresh(city)
    return render_template(
        "members/city.html", city=city, status=members.status_on(city, clock.today()), population_form=form
    ), 422
