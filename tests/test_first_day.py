"""What a new user meets on the first day: no dead ends, numbers as typed, words that agree, honest lists."""

import re

import pytest
import sqlalchemy as sa

from governance.accounts.models import User
from governance.clock import today as local_today
from governance.extensions import db
from governance.form_fields import parse_whole_number
from governance.meetings.agenda import add_agenda_item
from governance.meetings.documents import add_document, add_version
from governance.meetings.models import AgendaItem, Meeting, MeetingItem
from tests.conftest import PASSWORD
from tests.test_meetings import day, pdf_bytes  # noqa: F401 -- the fixture is used by name
from tests.test_voting_flow import lelystad, run_admission  # noqa: F401 -- the fixture is used by name


def logged_in(app, email, language="nl"):
    client = app.test_client()
    client.set_cookie("lang", language)
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- 4. numbers as Dutch people type them -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "group", "expected"),
    [
        ("89.870", ".", 89870),
        ("89 870", ".", 89870),
        ("89\u00a0870", ".", 89870),
        ("89870", ".", 89870),
        ("1.234.567", ".", 1234567),
        (" 89870 ", ".", 89870),
        ("89,870", ",", 89870),
        ("-5", ".", -5),
        ("89,870", ".", None),
        ("89.87", ".", None),
        ("8.9870", ".", None),
        ("veel", ".", None),
        ("1 2", ".", None),
    ],
)
def test_whole_numbers_are_read_as_people_type_them(typed, group, expected):
    assert parse_whole_number(typed, group) == expected


@pytest.mark.parametrize("typed", ["89.870", "89 870", "89870"])
def test_the_population_form_takes_dutch_numbers(app, people, typed):
    city = people.city(name="Assen", code="GM0106", member_since=None)
    _, email = people.user("secretariat")
    client = logged_in(app, email)
    response = client.post(
        f"/cities/{city}/population",
        data={"population": typed, "population_date": "2018-01-01", "population_source": "CBS"},
    )
    assert response.status_code == 302
    page = client.get(f"/cities/{city}").get_data(as_text=True)
    assert "89.870" in page


def test_the_error_summary_names_the_field_and_links_to_it(app, people):
    _, email = people.user("secretariat")
    client = logged_in(app, email)
    data = {
        "name": "Nieuwstad",
        "cbs_code": "GM9150",
        "province": "Utrecht",
        "population": "89,87",
        "population_date": "2017-01-01",
        "population_source": "CBS",
        "joined_on": "",
    }
    page = client.post("/cities/new", data=data).get_data(as_text=True)
    summary = page[page.index('class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert '<a href="#population">Inwoners: Vul een geheel getal in, zoals 89.870 of 89870.</a>' in summary
    assert 'id="population"' in page and 'inputmode="numeric"' in page and 'type="number"' not in page


def test_the_capacity_of_a_session_takes_dutch_numbers(app, day):  # noqa: F811
    client = logged_in(app, day["sec"])
    response = client.post(
        f"/meetings/{day['meeting']}/items/new",
        data={
            "start": "13:00",
            "end": "14:00",
            "kind": "theme_session",
            "title": "Groot overleg",
            "room": "Zaal 9",
            "capacity": "1.200",
            "speakers": "",
            "description": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalars(sa.select(MeetingItem).where(MeetingItem.title == "Groot overleg"))
        assert item.one().capacity == 1200


# -- 2 and 7. the member list: open to every role, members counted apart, candidates labelled ---------------


def test_a_board_member_follows_the_member_count_to_a_read_only_list(app, api, lelystad):  # noqa: F811
    board = lelystad["board"][0]
    client = logged_in(app, board)
    dashboard = client.get("/charts/dashboard").get_data(as_text=True)
    link = re.search(r'<li id="fact-members">\s*<a href="([^"]+)"', dashboard).group(1)
    assert link.startswith("/cities")
    response = client.get(link)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Een stad toevoegen" not in page
    # Each city's page reads as the API's /cities/{id} does: its population history, without the secretariat's tools.
    city_link = re.search(r'<a href="(/cities/\d+)">', page).group(1)
    city_page = client.get(city_link)
    assert city_page.status_code == 200
    shown = city_page.get_data(as_text=True)
    assert "Inwoners" in shown and "/edit" not in shown and "/population" not in shown and "board-members" not in shown
    assert api("GET", "/cities", token=lelystad["tokens"][board]).status_code == 200
    assert api("GET", city_link, token=lelystad["tokens"][board]).status_code == 200
    # The pages to change a city stay the secretariat's.
    assert client.get("/cities/new").status_code == 403
    assert client.get(city_link + "/edit").status_code == 403


def test_all_cities_counts_the_members_and_labels_the_candidates(app, api, lelystad):  # noqa: F811
    run_admission(api, lelystad, lelystad["assen"], ["yes"] * 38)
    client = logged_in(app, "secretariaat@g32.example")
    page = text_of(client.get("/cities?status=all&on=2017-11-30").get_data(as_text=True))
    assert "G32 op 30 november 2017: 38 lidsteden, 2 kandidaat-leden" in page
    assert "40 steden" not in page
    assen = page[page.index("Assen") :][:200]
    assert "kandidaat" in assen and "toegelaten; lid vanaf 1 januari 2018" in assen
    assert "Totaal van de lidsteden 38 steden" in page
    members_only = text_of(client.get("/cities?on=2017-11-30").get_data(as_text=True))
    assert "G32 op 30 november 2017: 38 lidsteden" in members_only and "Totaal 38 steden" in members_only


def test_the_chair_may_tie_a_motion_to_the_newest_version_where_told_to(app, people, day):  # noqa: F811
    from governance.voting.services import create_poll

    _, chair_email = people.user("chair")
    with app.test_request_context("/"):
        meeting = db.session.get(Meeting, day["meeting"])
        sec = db.session.get(User, day["sec_id"])
        document = add_document(sec, meeting, "Begroting 2018", local_today(), pdf_bytes("v1"))
        poll = create_poll(sec, title="Goedkeuring begroting 2018")
        point = add_agenda_item(sec, meeting, "Begroting 2018", poll_id=poll.id, document_version_id=document.latest.id)
        add_version(sec, document, pdf_bytes("v2"))
        db.session.commit()
        poll_id, point_id = poll.id, point.id
    chair = logged_in(app, chair_email)
    refused = chair.post(f"/polls/{poll_id}/open", follow_redirects=True).get_data(as_text=True)
    assert "de voorzitter of het secretariaat" in text_of(refused).lower()
    page = chair.get(f"/polls/{poll_id}").get_data(as_text=True)
    assert f'action="/meetings/agenda/{point_id}/retie"' in page
    response = chair.post(f"/meetings/agenda/{point_id}/retie", data={"back": "poll"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/polls/{poll_id}")
    with app.app_context():
        tied = db.session.get(AgendaItem, point_id)
        assert tied.document_version.version == 2
    board = logged_in(app, day["board"])
    assert board.post(f"/meetings/agenda/{point_id}/retie").status_code == 403


# -- 5. words ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "cast", "eligible", "expected"),
    [
        ("nl", 1, 38, "1 van 38 steden heeft gestemd"),
        ("nl", 6, 40, "6 van 40 steden hebben gestemd"),
        ("en", 1, 38, "1 of 38 cities has voted"),
        ("en", 6, 40, "6 of 40 cities have voted"),
    ],
)
def test_one_turnout_sentence_with_the_verb_agreeing(app, language, cast, eligible, expected):
    from governance.voting.texts import turnout_sentence

    with app.test_request_context("/", headers={"Cookie": f"lang={language}"}):
        assert turnout_sentence(cast, eligible) == expected


def test_a_province_with_one_city_says_one_city(app):
    from governance.charts.data import ProvinceData, ProvincePopulation
    from governance.charts.texts import province_texts

    with app.test_request_context("/", headers={"Cookie": "lang=nl"}):
        shares = [ProvincePopulation("Groningen", 202_000, 1), ProvincePopulation("Drenthe", 156_000, 2)]
        text = province_texts(ProvinceData(on=local_today(), name="G32", provinces=shares), "nl").description
    assert "Groningen 202.000 (1 stad)" in text and "Drenthe 156.000 (2 steden)" in text


@pytest.mark.parametrize(
    ("context", "msgid", "dutch"),
    [
        ("application status", "rejected", "afgewezen"),
        ("poll outcome", "rejected", "verworpen"),
        ("criterion", "not met", "niet voldaan"),
        ("quorum", "not met", "niet gehaald"),
    ],
)
def test_words_with_two_meanings_have_a_context_each(app, context, msgid, dutch):
    from flask_babel import pgettext

    with app.test_request_context("/", headers={"Cookie": "lang=nl"}):
        assert pgettext(context, msgid) == dutch


def test_the_registration_page_names_the_invited_person_once(app, day):  # noqa: F811
    from tests.test_meetings import BEFORE_THE_DAY, _token

    app.config["CLOCK_NOW"] = BEFORE_THE_DAY  # a registration link works until the meeting's day is over

    token = _token(app, day)
    client = app.test_client()
    page = text_of(client.get(f"/meetings/register/{token}").get_data(as_text=True))
    assert f"Uitnodiging voor Ina Adema (Lelystad), verstuurd naar {day['board']}." in page
    assert f"({day['board']}). Lelystad" not in page


def test_the_session_clash_is_tied_to_its_checkboxes(app, day):  # noqa: F811
    from tests.test_meetings import BEFORE_THE_DAY, _token

    app.config["CLOCK_NOW"] = BEFORE_THE_DAY  # a registration link works until the meeting's day is over

    token = _token(app, day)
    a, b, _c = day["items"]
    response = app.test_client().post(
        f"/meetings/register/{token}", data={"attending": "yes", "items": [str(a), str(b)], "name": "Ina Adema"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and page.count('id="items-error"') == 1
    boxes = re.findall(r'<input[^>]*name="items"[^>]*>', page)
    assert len(boxes) == 3 and all('aria-describedby="items-error"' in box for box in boxes)
    assert re.search(r'<fieldset[^>]*id="items"[^>]*aria-describedby="items-hint items-error"', page)
    assert 'autocomplete="name"' in page and 'autocomplete="organization-title"' in page


# -- 14. the accessibility statement --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        (
            "nl",
            [
                "Toegankelijkheidsverklaring",
                "Voldoet gedeeltelijk aan WCAG 2.1 niveau AA.",
                "digitoegankelijk.nl",
                "Wat nog niet voldoet",
                "Contact",
                "secretariaat@g32.invalid",
                "320",
            ],
        ),
        ("en", ["Accessibility statement", "Partially compliant with WCAG 2.1 level AA.", "What falls short"]),
    ],
)
def test_the_accessibility_statement_is_open_to_all_and_linked_in_the_footer(app, language, phrases):
    client = app.test_client()
    client.set_cookie("lang", language)
    page = client.get("/accessibility")
    assert page.status_code == 200
    text = text_of(page.get_data(as_text=True))
    for phrase in phrases:
        assert phrase in text
    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/accessibility"' in login_page[login_page.index("<footer") :]


# -- 15. the parts of accessibility a page carries ----------------------------------------------------------------


def test_the_login_fields_say_what_they_hold(app):
    page = app.test_client().get("/login").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*autocomplete="username"[^>]*id="email"|<input[^>]*id="email"[^>]*autocomplete="username"', page
    )
    assert 'autocomplete="current-password"' in page


def test_flash_messages_are_announced_after_load(app, people):
    _, email = people.user("secretariat")
    client = logged_in(app, email)
    client.post(
        "/cities/new",
        data={
            "name": "Nieuwstad",
            "cbs_code": "GM9150",
            "province": "Utrecht",
            "population": "80.000",
            "population_date": "2017-01-01",
            "population_source": "CBS",
            "joined_on": "",
        },
    )
    page = client.get("/cities", follow_redirects=True).get_data(as_text=True)
    # The live regions are empty at load; site.js fills them, so the message is read out.
    assert '<div class="visually-hidden" role="status" id="announce-status"></div>' in page
    assert 'role="alert" id="announce-alert"></div>' in page
    assert "/static/site.js" in page
