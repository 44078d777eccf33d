"""Every word a chart shows, in the user's language: titles, axis labels, legends, the text alternative.

Built in the app context (Flask-Babel picks the language) and handed to the pure drawing
functions as plain strings, so drawing never depends on a request or on gettext.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal, format_percent
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from governance import labels
from governance.charts import data as chart_data
from governance.voting.texts import turnout_sentence


def current_locale() -> str:
    return str(get_locale() or "nl")


def number(value: Optional[int], locale: str) -> str:
    return "" if value is None else format_decimal(value, locale=locale)


def long_date(value: Optional[dt.date], locale: str) -> str:
    return "" if value is None else babel_format_date(value, "long", locale=locale)


def short_date(value: Optional[dt.date], locale: str) -> str:
    return "" if value is None else babel_format_date(value, "medium", locale=locale)


@dataclass
class ChartTexts:
    """The words of one chart: what drawing puts in the image and what the page puts beside it."""

    locale: str
    title: str
    subtitle: str = ""
    x_label: str = ""
    y_label: str = ""
    empty: str = ""
    alt: str = ""  # short, for the img alt attribute
    description: str = ""  # the text alternative: what the chart shows, in sentences
    legend: dict[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()  # headers of the data table, one per CSV column


def chart_title(chart: str) -> str:
    return {
        "membership": _("Members over time"),
        "population": _("Population per member city"),
        "provinces": _("Population by province"),
        "population-history": _("Total population over time"),
        "poll": _("Result of a vote"),
    }[chart]


def membership_texts(d: chart_data.MembershipData, locale: str) -> ChartTexts:
    n = lambda v: number(v, locale)  # noqa: E731
    texts = ChartTexts(
        locale=locale,
        title=_("Members of the %(name)s over time", name=d.name_now),
        subtitle=_("as on %(date)s", date=long_date(d.on, locale)),
        y_label=_("Member cities"),
        x_label=_("Year"),
        empty=_("The network has no members on this date."),
        legend={
            "members": _("members"),
            "cap": _("cap: %(cap)s", cap=n(d.cap)),
            "admission": _("admission"),
            "founding": _("founding members (date not recorded)"),
        },
        columns=(_("Date"), _("Members"), _("Name")),
    )
    texts.alt = _("Step chart of the number of member cities over time, with the cap and each rename.")
    if d.is_empty:
        texts.description = texts.empty
        return texts
    parts = []
    if d.points:
        first = d.points[0]
        parts.append(
            _(
                "From %(count)s members on %(first)s to %(now)s on %(date)s, under a cap of %(cap)s.",
                count=n(first.members),
                first=long_date(first.day, locale),
                now=n(d.members_now),
                date=long_date(d.on, locale),
                cap=n(d.cap),
            )
        )
    else:
        parts.append(
            _(
                "%(now)s members on %(date)s, under a cap of %(cap)s.",
                now=n(d.members_now),
                date=long_date(d.on, locale),
                cap=n(d.cap),
            )
        )
    if d.founding:
        parts.append(_("%(count)s cities were members before the records start.", count=n(d.founding)))
    for rename in d.renames:
        parts.append(_("Renamed %(change)s on %(date)s.", change=rename.label, date=long_date(rename.day, locale)))
    if d.admissions:
        last = d.admissions[-1]
        parts.append(
            _(
                "%(count)s admissions on record; the latest: %(city)s on %(date)s.",
                count=n(len(d.admissions)),
                city=last.label,
                date=long_date(last.day, locale),
            )
        )
    texts.description = " ".join(parts)
    return texts


def population_texts(d: chart_data.PopulationData, locale: str) -> ChartTexts:
    n = lambda v: number(v, locale)  # noqa: E731
    texts = ChartTexts(
        locale=locale,
        title=_("Population of the %(name)s: %(total)s inhabitants", name=d.name, total=n(d.total)),
        subtitle=_("%(count)s member cities, as on %(date)s", count=n(len(d.members)), date=long_date(d.on, locale)),
        x_label=_("Inhabitants"),
        empty=_("There are no member cities on this date."),
        legend={
            "member": _("member"),
            "applicant": _("applicant (not in the total)"),
            "others": _("%(count)s other cities", count=n(max(0, len(d.cities) - chart_data.MAX_BARS + 1))),
        },
        columns=(_("City"), _("Population"), _("Status")),
    )
    texts.alt = _("Horizontal bar chart of the population of each member city, largest first; applicants are hatched.")
    if d.is_empty:
        texts.description = texts.empty
        return texts
    parts = [
        _(
            "%(count)s member cities with %(total)s inhabitants in total on %(date)s.",
            count=n(len(d.members)),
            total=n(d.total),
            date=long_date(d.on, locale),
        )
    ]
    with_figures = [c for c in d.members if c.population is not None]
    if with_figures:
        largest, smallest = with_figures[0], with_figures[-1]
        parts.append(
            _(
                "Largest: %(large)s (%(large_n)s); smallest: %(small)s (%(small_n)s).",
                large=largest.city,
                large_n=n(largest.population),
                small=smallest.city,
                small_n=n(smallest.population),
            )
        )
    if d.applicants:
        listed = ", ".join(f"{c.city} ({n(c.population)})" for c in d.applicants)
        parts.append(_("Applicants: %(list)s.", list=listed))
    texts.description = " ".join(parts)
    return texts


def province_texts(d: chart_data.ProvinceData, locale: str) -> ChartTexts:
    n = lambda v: number(v, locale)  # noqa: E731
    texts = ChartTexts(
        locale=locale,
        title=_("Population of the %(name)s by province", name=d.name),
        subtitle=_("%(total)s inhabitants, as on %(date)s", total=n(d.total), date=long_date(d.on, locale)),
        x_label=_("Inhabitants"),
        empty=_("There are no member cities on this date."),
        columns=(_("Province"), _("Population")),
    )
    texts.alt = _("Horizontal bar chart of the member cities' population summed per province.")
    if d.is_empty:
        texts.description = texts.empty
        return texts
    listed = "; ".join(
        ngettext(
            "%(province)s %(population)s (%(count)s city)",
            "%(province)s %(population)s (%(count)s cities)",
            p.cities,
            province=p.province,
            population=n(p.population),
            count=n(p.cities),
        )
        for p in d.provinces
    )
    texts.description = _("Population per province on %(date)s: %(list)s.", date=long_date(d.on, locale), list=listed)
    return texts


def population_history_texts(d: chart_data.PopulationHistoryData, locale: str) -> ChartTexts:
    n = lambda v: number(v, locale)  # noqa: E731
    texts = ChartTexts(
        locale=locale,
        title=_("Total population of the %(name)s over time", name=d.name),
        subtitle=_("as on %(date)s", date=long_date(d.on, locale)),
        y_label=_("Inhabitants"),
        x_label=_("Year"),
        empty=_("The network has no population figures up to this date."),
        columns=(_("Date"), _("Population")),
    )
    texts.alt = _("Step chart of the network's total population over time.")
    if d.is_empty:
        texts.description = texts.empty
        return texts
    first, last = d.points[0], d.points[-1]
    texts.description = _(
        "The members together had %(first)s inhabitants on %(first_date)s and %(last)s on %(last_date)s "
        "(%(changes)s changes).",
        first=n(first.population),
        first_date=long_date(first.day, locale),
        last=n(last.population),
        last_date=long_date(last.day, locale),
        changes=n(len(d.points)),
    )
    return texts


def poll_texts(d: chart_data.PollData, locale: str) -> ChartTexts:
    n = lambda v: number(v, locale)  # noqa: E731
    turnout = format_percent(d.cast / d.eligible, locale=locale) if d.eligible else "–"
    texts = ChartTexts(
        locale=locale,
        title=d.title,
        subtitle=_(
            "%(turnout_sentence)s (%(turnout)s) · %(outcome)s",
            turnout_sentence=turnout_sentence(d.cast, d.eligible, n),
            turnout=turnout,
            outcome=labels.outcome_in_chart(d.outcome, d.reason),
        ),
        x_label=_("Number of votes"),
        empty=_("No city voted in this poll."),
        legend={choice: labels.choice_in_chart(choice) for choice in d.CHOICES} | {"not_voted": _("did not vote")},
        columns=(_("Choice"), _("Number of votes")),
    )
    texts.alt = _("Bar chart of the votes for, against and abstaining in a closed poll, with the turnout.")
    texts.description = _(
        "%(yes)s yes, %(no)s no, %(abstain)s abstain; %(turnout_sentence)s (%(turnout)s). Outcome: %(outcome)s.",
        yes=n(d.yes),
        no=n(d.no),
        abstain=n(d.abstain),
        turnout_sentence=turnout_sentence(d.cast, d.eligible, n),
        turnout=turnout,
        outcome=labels.outcome_in_chart(d.outcome, d.reason),
    )
    return texts


def texts_for(chart: str, d, locale: Optional[str] = None) -> ChartTexts:
    locale = locale or current_locale()
    return {
        "membership": membership_texts,
        "population": population_texts,
        "provinces": province_texts,
        "population-history": population_history_texts,
        "poll": poll_texts,
    }[chart](d, locale)
