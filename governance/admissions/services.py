"""Applications, the admission criteria, and what a decision does (the seats and the name: network.rules)."""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _

from governance import audit, clock
from governance.admissions.models import ACTIVE_STATUSES, Advice, Application, ApplicationStatus
from governance.errors import Conflict, Forbidden, NotFound, ValidationFailed
from governance.extensions import db
from governance.members import services as members
from governance.members.models import City, Network
from governance.network import rules


@dataclass
class Criterion:
    """One check; ``passed`` is None while it is still to be assessed (pending, not failed)."""

    code: str
    passed: Optional[bool]
    detail: str


@dataclass
class Assessment:
    """The criteria checked; eligible when none failed. ``assessed_on`` is set when frozen at the poll's opening."""

    eligible: bool
    criteria: list[Criterion]
    assessed_on: Optional[dt.date] = None

    @property
    def pending(self) -> bool:
        return any(c.passed is None for c in self.criteria)

    def criterion(self, code: str) -> Optional[Criterion]:
        return next((c for c in self.criteria if c.code == code), None)


# -- applications -------------------------------------------------------------------------


def get_application(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(_("There is no application with number %(id)s.", id=application_id))
    return application


def list_applications(status: Optional[str] = None) -> list[Application]:
    query = sa.select(Application).order_by(Application.received_on.desc(), Application.id.desc())
    if status:
        query = query.where(Application.status == ApplicationStatus(status))
    return list(db.session.scalars(query))


def create_application(actor, city_id, received_on, effective_on=None, motivation: str = "") -> Application:
    """Register a city's application for membership."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    city = None
    if city_id is None:
        fail("city_id", _("Choose the city that applies."))
    elif isinstance(city_id, bool) or not isinstance(city_id, int):
        fail("city_id", _("Must be the number of a city."))
    else:
        city = db.session.get(City, city_id)
        if city is None:
            fail("city_id", _("There is no city with number %(id)s.", id=city_id))
    today = clock.today()
    if received_on is None:
        fail("received_on", _("Enter the date the application was received."))
    elif received_on > today:
        fail("received_on", _("The date received cannot lie in the future."))
    if effective_on is not None and received_on is not None and effective_on < received_on:
        fail("effective_on", _("The requested membership date cannot lie before the date received."))
    if motivation is not None and (not isinstance(motivation, str) or len(motivation) > 10_000):
        fail("motivation", _("At most %(n)d characters.", n=10_000))
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    if city.membership_on(today) is not None or (effective_on and city.membership_on(effective_on)):
        message = _("%(name)s is already a member.", name=city.name)
        raise Conflict(message, code="duplicate", fields={"city_id": [message]})
    active = db.session.scalars(
        sa.select(Application).where(Application.city_id == city.id, Application.status.in_(ACTIVE_STATUSES))
    ).first()
    if active is not None:
        message = _("%(name)s already has an application under way (number %(id)s).", name=city.name, id=active.id)
        raise Conflict(message, code="duplicate", fields={"city_id": [message]})
    application = Application(
        city_id=city.id, received_on=received_on, effective_on=effective_on, motivation=(motivation or "").strip()
    )
    db.session.add(application)
    db.session.flush()
    audit.record(
        "application.received", application, actor, city_id=city.id, received_on=received_on, effective_on=effective_on
    )
    return application


def record_advice(actor, application: Application, advice, text) -> Application:
    """The daily board's advice on an application: positive or negative, with its reasoning."""
    if not Application.can_advise(actor):
        raise Forbidden(_("Only the daily board records advice on an application."))
    errors: dict[str, list[str]] = {}
    try:
        advice_value = Advice(advice)
    except ValueError:
        errors["advice"] = [_("Choose positive or negative.")]
    if not isinstance(text, str) or not text.strip():
        errors["advice_text"] = [_("Explain the advice in a few sentences.")]
    elif len(text) > 10_000:
        errors["advice_text"] = [_("At most %(n)d characters.", n=10_000)]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    if application.status not in ACTIVE_STATUSES:
        raise Conflict(_("The board has decided on this application; the advice can no longer change."))
    application.advice = advice_value
    application.advice_text = text.strip()
    application.advice_by_id = actor.id
    application.advice_at = clock.now()
    db.session.flush()
    audit.record("application.advice", application, actor, advice=advice_value, text=text.strip())
    return application


def withdraw_application(actor, application: Application) -> Application:
    """Withdraw an application whose vote has not opened."""
    if application.status != ApplicationStatus.RECEIVED:
        raise Conflict(_("Only an application whose vote has not opened can be withdrawn."))
    application.status = ApplicationStatus.WITHDRAWN
    application.decided_on = clock.today()
    db.session.flush()
    audit.record("application.withdrawn", application, actor)
    return application


def assess(application: Application, network: Optional[Network] = None) -> Assessment:
    """The assessment to show: as it stands now until the decision, then the one frozen when its poll opened."""
    if application.status not in ACTIVE_STATUSES and application.assessment_json:
        facts = json.loads(application.assessment_json)
        return _assessment_from_facts(application, facts, dt.date.fromisoformat(facts["assessed_on"]))
    return _assessment_from_facts(application, assessment_facts(application, network))


def assessment_facts(application: Application, network: Optional[Network] = None) -> dict:
    """What the criteria are judged on, today: kept as facts so a frozen assessment reads in every language."""
    network = network or rules.get_network()
    today = clock.today()
    figure = application.city.latest_population()
    return {
        "assessed_on": today.isoformat(),
        "is_member": application.city.membership_on(today) is not None,
        "population": figure.population if figure else None,
        "population_date": figure.reference_date.isoformat() if figure else None,
        "min_population": network.min_population,
        "cap": network.cap,
        "seats_left": rules.seats_left(network, today),
        "status": application.status.value,
        "advice": application.advice.value if application.advice else None,
        "advice_text": application.advice_text or "",
    }


def freeze_assessment(application: Application, network: Optional[Network] = None) -> None:
    """Keep the assessment as it stands when the admission poll opens; it is what the decided application shows."""
    application.assessment_json = json.dumps(assessment_facts(application, network), sort_keys=True)


def _assessment_from_facts(application: Application, facts: dict, assessed_on: Optional[dt.date] = None) -> Assessment:
    name = application.city.name
    criteria: list[Criterion] = []
    is_member = facts["is_member"]
    criteria.append(
        Criterion(
            "not_member",
            not is_member,
            _("%(name)s is already a member.", name=name)
            if is_member
            else _("%(name)s is not a member yet.", name=name),
        )
    )
    if facts["population"] is None:
        criteria.append(Criterion("min_population", False, _("No population figure is known.")))
    else:
        criteria.append(
            Criterion(
                "min_population",
                facts["population"] >= facts["min_population"],
                _(
                    "%(population)s inhabitants on %(date)s; the minimum is %(minimum)s.",
                    population=_number(facts["population"]),
                    date=_date(dt.date.fromisoformat(facts["population_date"])),
                    minimum=_number(facts["min_population"]),
                ),
            )
        )
    cap, left, status = facts["cap"], facts["seats_left"], facts["status"]
    if status == ApplicationStatus.VOTING:
        criteria.append(Criterion("cap", True, _("The open vote holds a seat under the cap of %(cap)d.", cap=cap)))
    elif status == ApplicationStatus.ADMITTED:
        criteria.append(
            Criterion("cap", True, _("Admitted: the city holds its seat under the cap of %(cap)d.", cap=cap))
        )
    else:
        criteria.append(
            Criterion(
                "cap",
                left > 0,
                ngettext("%(left)d of %(cap)d seat left.", "%(left)d of %(cap)d seats left.", left, left=left, cap=cap)
                if left > 0
                else _("No seats left: the network has reached its cap of %(cap)d.", cap=cap),
            )
        )
    if facts["advice"] is None:
        criteria.append(Criterion("daily_board_advice", None, _("The daily board has not given its advice yet.")))
    else:
        positive = facts["advice"] == Advice.POSITIVE
        text = facts["advice_text"]
        criteria.append(
            Criterion(
                "daily_board_advice",
                positive,
                (
                    _("Positive advice of the daily board: %(text)s", text=text)
                    if positive
                    else _("Negative advice of the daily board: %(text)s", text=text)
                ),
            )
        )
    return Assessment(not any(c.passed is False for c in criteria), criteria, assessed_on)


def _number(value: int) -> str:
    return format_decimal(value)


def _date(value: dt.date) -> str:
    return format_date(value, "long")


# -- the effects of a decision ------------------------------------------------------------------


def apply_decision(actor, application: Application, adopted: bool, poll, decided_on: dt.date) -> dict:
    """Make an admission take effect (membership, then the naming rule), or record the rejection; return the effects.

    The effects are `{"admitted": [{"city_id", "from"}], "renamed": {"from", "to", "valid_from"} | None}`.
    """
    application.decided_on = decided_on
    if not adopted:
        application.status = ApplicationStatus.REJECTED
        db.session.flush()
        audit.record("application.rejected", application, actor, poll_id=poll.id)
        return {"admitted": [], "renamed": None}
    application.status = ApplicationStatus.ADMITTED
    joined_on = application.effective_on or decided_on
    members.add_membership(actor, application.city, joined_on, application=application)
    audit.record("application.admitted", application, actor, poll_id=poll.id, effective_on=joined_on)
    name = rules.apply_naming_rule(actor, poll, joined_on)
    renamed = None
    if name is not None:
        before = rules.name_on(rules.get_network(), name.valid_from - dt.timedelta(days=1))
        renamed = {"from": before, "to": name.name, "valid_from": name.valid_from.isoformat()}
    return {"admitted": [{"city_id": application.city_id, "from": joined_on.isoformat()}], "renamed": renamed}
