"""Pages for the secretariat: the member list, a city's page, adding and editing cities and populations."""

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from governance import clock
from governance.accounts.auth import role_required
from governance.accounts.models import Role
from governance.api.common import parse_iso_date
from governance.errors import DomainError
from governance.extensions import db
from governance.members import services as members
from governance.members.forms import CityForm, EditCityForm, PopulationForm
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
@role_required(Role.SECRETARIAT)
def city_list():
    day, date_problem = _day_arg()
    status = request.args.get("status", "member")
    if status not in (*members.CityStatus.ALL, "all"):
        status = "member"
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    descending = request.args.get("dir") == "desc"
    rows = members.cities_with_status(None if status == "all" else status, day, with_populations=False)
    query = (request.args.get("q") or "").strip()[:100]
    if query:
        rows = [row for row in rows if members.matches(row[0], query)]
    figures = members.population_by_city_on(day, {city.id for city, _s in rows})
    table = [
        {
            "city": city,
            "status": city_status,
            "figure": figures.get(city.id),
            "membership": city.membership_on(day) or (city.memberships[-1] if city.memberships else None),
        }
        for city, city_status in rows
    ]
    if sort == "province":
        table.sort(key=lambda r: (r["city"].province, members.sort_key(r["city"])), reverse=descending)
    elif sort == "population":
        table.sort(key=lambda r: r["figure"].population if r["figure"] else 0, reverse=descending)
    elif descending:
        table.reverse()
    total = sum(r["figure"].population for r in table if r["figure"])
    # Each label and date is formatted once, not once per row: a list of hundreds of cities stays quick.
    from governance.main import city_status_label

    status_labels = {value: city_status_label(value) for value in (*members.CityStatus.ALL, "all")}
    dates = {r["figure"].reference_date for r in table if r["figure"]}
    dates |= {r["membership"].joined_on for r in table if r["membership"] and r["membership"].joined_on}
    long_dates = {day_: format_date(day_, "long") for day_ in dates}
    network = members.get_network()
    return render_template(
        "members/list.html",
        rows=table,
        total=total,
        day=day,
        status=status,
        sort=sort,
        descending=descending,
        date_problem=date_problem,
        status_labels=status_labels,
        long_dates=long_dates,
        network_name_on=members.name_on(network, day),
        statuses=members.CityStatus.ALL,
        query=query,
    )


@bp.route("/cities/new", methods=["GET", "POST"])
@role_required(Role.SECRETARIAT)
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
@role_required(Role.SECRETARIAT)
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
@role_required(Role.SECRETARIAT)
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
@role_required(Role.SECRETARIAT)
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
