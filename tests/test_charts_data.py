"""The charts' data against the member registry's own answers, and the pure drawing functions."""

import datetime as dt
import random
import re

import pytest

from governance.charts import data as chart_data
from governance.charts import drawing
from governance.charts.texts import texts_for
from governance.extensions import db
from governance.members import services as members
from governance.network import rules

PNG = b"\x89PNG\r\n\x1a\n"
# The API honours Accept-Language (pages follow the language cookie): English, the source strings.
ENGLISH = "/api/v1/charts/membership"


def test_history_and_membership_agree_with_the_registry_on_every_date(app, people):
    """A random registry: joins, departures, founders, figures; each row equals the services' answer."""
    rng = random.Random(40)
    with app.app_context():
        from governance.members.services import (
            CityInput,
            add_membership,
            create_city,
            end_membership,
            record_population,
        )

        for index in range(25):
            city = create_city(
                None,
                CityInput(
                    name=f"Stad {index}",
                    cbs_code=f"GM{7000 + index}",
                    province=members.PROVINCES[index % 12],
                    population=rng.randint(50_000, 300_000),
                    population_date=dt.date(2005 + rng.randint(0, 3), 1, 1),
                ),
            )
            for year in rng.sample(range(2009, 2024), 4):
                record_population(None, city, rng.randint(50_000, 300_000), dt.date(year, rng.randint(1, 12), 1))
            if index < 8:
                add_membership(None, city, None)
            elif index < 22:
                add_membership(None, city, dt.date(2006, 1, 1) + dt.timedelta(days=rng.randint(0, 6000)))
            if index in (3, 12, 15):
                period = city.memberships[0]
                start = period.joined_on or dt.date(2006, 1, 1)
                end_membership(None, city, start + dt.timedelta(days=rng.randint(10, 1500)))
        db.session.commit()

        on = dt.date(2024, 6, 1)
        history = chart_data.population_history_data(on)
        assert len(history.points) > 20
        previous = None
        for point in history.points:
            assert point.population == members.total_population_on(point.day), point
            assert point.population != previous
            assert (
                members.total_population_on(point.day - dt.timedelta(days=1)) != point.population
                or point == history.points[0]
            )
            previous = point.population
        assert history.points[-1].population == members.total_population_on(on)

        membership = chart_data.membership_data(on)
        assert membership.founding == 8
        for point in membership.points:
            assert point.members == rules.member_count_on(point.day)
            assert rules.member_count_on(point.day - dt.timedelta(days=1)) != point.members
        assert membership.members_now == rules.member_count_on(on)
        assert len(membership.departures) == 3

        population = chart_data.population_data(on)
        assert {c.city_id for c in population.members} == rules.member_ids_on(on)
        assert population.total == members.total_population_on(on)
        provinces = chart_data.province_data(on)
        assert provinces.total == population.total
        assert sum(p.cities for p in provinces.provinces) == len(population.members)


@pytest.mark.parametrize("day", ["2017-09-14", "2017-09-15", "2017-11-30", "2017-12-31", "2018-01-01"])
def test_applicants_are_the_registrys_applicants(app, demo, day):
    """The population chart's quick applicant lookup gives what cities_with_status gives."""
    with app.app_context():
        on = dt.date.fromisoformat(day)
        expected = {c.id for c, _ in members.cities_with_status(members.CityStatus.APPLICANT, on)}
        got = {c.city_id for c in chart_data.population_data(on).applicants}
        assert got == expected
        assert (len(got) == 2) == (on >= dt.date(2017, 9, 15))


# -- pure drawing -----------------------------------------------------------------------------------------


def svg_text(svg: bytes) -> str:
    return " ".join(re.findall(r">([^<>]+)</text>", svg.decode()))


def many_cities(n: int) -> chart_data.PopulationData:
    cities = [
        chart_data.CityPopulation(
            i,
            f"Gemeente {i:03d}",
            "Utrecht",
            400_000 - i * 500,
            dt.date(2025, 1, 1),
            "member" if i % 10 else "applicant",
        )
        for i in range(n)
    ]
    return chart_data.PopulationData(on=dt.date(2025, 6, 1), name="G400", cities=cities)


def test_population_of_400_cities_stays_readable_on_a4(app):
    d = many_cities(400)
    with app.test_request_context(ENGLISH, headers={"Accept-Language": "en"}):
        texts = texts_for("population", d, "en")
        svg = drawing.draw("population", d, texts, "svg", 100)
    words = svg_text(svg)
    assert "Gemeente 000" in words and "Gemeente 043" in words and "Gemeente 044" not in words
    assert "356 other cities" in words
    png = drawing.draw("population", d, texts, "png", 100)
    assert png[:8] == PNG
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 700 and height <= 1100  # at most 7 × 11 inches: an A4 page with margins


def test_every_chart_draws_from_plain_data(app):
    on = dt.date(2018, 6, 1)
    examples = {
        "membership": chart_data.MembershipData(
            on=on,
            founding=0,
            first_name="G32",
            cap=40,
            points=[
                chart_data.MembershipPoint(dt.date(2010, 1, 1), 32, "G32"),
                chart_data.MembershipPoint(dt.date(2018, 1, 1), 40, "G40"),
            ],
            admissions=[chart_data.DatedEvent(dt.date(2018, 1, 1), "Assen")],
            renames=[chart_data.DatedEvent(dt.date(2018, 1, 1), "G32 → G40")],
        ),
        "provinces": chart_data.ProvinceData(
            on=on, name="G40", provinces=[chart_data.ProvincePopulation("Drenthe", 174_000, 2)]
        ),
        "population-history": chart_data.PopulationHistoryData(
            on=on,
            name="G40",
            points=[
                chart_data.PopulationPoint(dt.date(2017, 1, 1), 4_791_000),
                chart_data.PopulationPoint(dt.date(2018, 1, 1), 4_947_000),
            ],
        ),
        "poll": chart_data.PollData(
            poll_id=1,
            title="Toelating Assen",
            closed_on=dt.date(2017, 11, 30),
            yes=30,
            no=5,
            abstain=3,
            cast=38,
            eligible=38,
            quorum_met=True,
            outcome="adopted",
            reason="majority",
        ),
    }
    with app.test_request_context(ENGLISH, headers={"Accept-Language": "en"}):
        for chart, d in examples.items():
            texts = texts_for(chart, d, "nl")
            svg = drawing.draw(chart, d, texts, "svg", 100)
            assert svg.startswith(b"<?xml") and b"</svg>" in svg
            assert drawing.draw(chart, d, texts, "svg", 100) == svg  # the same bytes every time
            assert drawing.draw(chart, d, texts, "png", 72)[:8] == PNG
            assert texts.description and texts.alt
        words = svg_text(
            drawing.draw(
                "population-history",
                examples["population-history"],
                texts_for("population-history", examples["population-history"], "nl"),
            )
        )
        assert "4.947.000" in words
        poll_texts = texts_for("poll", examples["poll"], "nl")
        assert "30 yes, 5 no, 3 abstain; 38 of 38" in poll_texts.description
        with pytest.raises(ValueError):
            drawing.draw("poll", examples["poll"], poll_texts, "gif", 100)


def test_a_poll_nobody_voted_in_says_so(app):
    d = chart_data.PollData(
        poll_id=2,
        title="Motie",
        closed_on=None,
        yes=0,
        no=0,
        abstain=0,
        cast=0,
        eligible=38,
        quorum_met=False,
        outcome="rejected",
        reason="quorum_not_met",
    )
    with app.test_request_context(ENGLISH, headers={"Accept-Language": "en"}):
        texts = texts_for("poll", d, "en")
        assert "No city voted in this poll." in svg_text(drawing.draw("poll", d, texts, "svg", 100))
        assert d.rows() == [("yes", 0), ("no", 0), ("abstain", 0)]
