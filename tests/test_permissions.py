"""Who may do what: every route of the app (pages and API) against every role, from one table.

The table lists each (endpoint, method) of `app.url_map`; a route added without a row here fails
`test_every_route_has_a_row`. For each role the test asks every route once and checks the answer:
allowed (anything but a refusal) or refused in the shape of its side — a page: the login page for a visitor
who has not logged in, else the 403 page; the API: 401 `unauthorized` without a token, else 403 `forbidden`
(`not_eligible` for a vote). Page and API routes that do the same thing name each other (PAIRS), and must
expect, and get, the same answer.

Bodies are empty or invalid on purpose: a route checks who asks before it reads what is sent, so an allowed
role gets a 422 (or its page again) and nothing changes, except where a row names an object made to be
changed (a draft to open, a registration to cancel).
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from governance import clock
from governance.extensions import db
from tests.conftest import PASSWORD
from tests.room_setup import tiny_pdf

# -- the roles ---------------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
ROLES = (
    ANONYMOUS,
    "board",
    "daily_board",
    "chair",
    "chair+board",
    "secretariat",
    # An account made before one account could no longer hold both: it keeps the secretariat's rights and never votes.
    "secretariat+board",
)
ACCOUNTS = frozenset(ROLES) - {ANONYMOUS}
SEC = frozenset({"secretariat", "secretariat+board"})
CHAIR = frozenset({"chair", "chair+board"})
BOARD_ROLE = frozenset({"board", "chair+board", "secretariat+board"})
VOTERS = frozenset({"board", "chair+board"})  # the secretariat never votes
DAILY = frozenset({"daily_board"})
EVERYONE = "everyone"  # no login needed: the same answer for every role, never a refusal


@dataclass(frozen=True)
class Row:
    path: str
    who: frozenset | str
    body: dict | None = None
    late: int = 0  # asked after the others (1, then 2): it ends what they need (a screen link, the session)


def row(path, who, body=None, late=0):
    return Row(path, who, body, late)


# (endpoint, method) -> the path asked (with {names} of the world's objects) and who may.
TABLE: dict[tuple[str, str], Row | list[Row]] = {
    # -- open to all
    ("main.index", "GET"): row("/", EVERYONE),
    ("main.accessibility", "GET"): row("/accessibility", EVERYONE),
    ("main.set_language", "POST"): row("/language", EVERYONE, {"lang": "en"}),
    ("health.healthz", "GET"): row("/healthz", EVERYONE),
    ("static", "GET"): row("/static/style.css", EVERYONE),
    ("charts.static", "GET"): row("/charts/static/charts.css", EVERYONE),
    ("accounts.login", "GET"): row("/login", EVERYONE),
    ("accounts.login", "POST"): row("/login", EVERYONE, {"email": "", "password": ""}),
    ("accounts.forgot_password", "GET"): row("/password/forgot", EVERYONE),
    ("accounts.forgot_password", "POST"): row("/password/forgot", EVERYONE, {"email": ""}),
    ("accounts.reset_password", "GET"): row("/password/reset/not-a-link", EVERYONE),
    ("accounts.reset_password", "POST"): row("/password/reset/not-a-link", EVERYONE, {}),
    ("accounts.accept_invitation", "GET"): row("/welcome/not-a-link", EVERYONE),
    ("accounts.accept_invitation", "POST"): row("/welcome/not-a-link", EVERYONE, {}),
    ("meetings.register", "GET"): row("/meetings/register/not-a-link", EVERYONE),
    ("meetings.register", "POST"): row("/meetings/register/not-a-link", EVERYONE, {}),
    ("meetings.register_calendar", "GET"): row("/meetings/register/not-a-link/calendar.ics", EVERYONE),
    ("meetings.screen_by_link", "GET"): row("/meetings/{meeting}/screen/s/{screen_token}", EVERYONE),
    ("meetings.screen_state_by_link", "GET"): row("/meetings/{meeting}/screen/s/{screen_token}/state.json", EVERYONE),
    ("api.issue_token", "POST"): row("/api/v1/auth/token", EVERYONE, {"email": "{bystander}", "password": PASSWORD}),
    ("api.public_keys", "GET"): row("/api/v1/keys", EVERYONE),
    ("api.openapi_json", "GET"): row("/api/v1/openapi.json", EVERYONE),
    # -- the person's own account and registration
    ("accounts.logout", "POST"): row("/logout", EVERYONE, late=2),  # ends a session, if there is one
    ("accounts.account", "GET"): row("/account", ACCOUNTS),
    ("accounts.change_password", "POST"): row("/account/password", ACCOUNTS, {}),
    ("accounts.revoke_token", "POST"): row("/account/tokens/999999/revoke", ACCOUNTS),
    ("api.me", "GET"): row("/api/v1/users/me", ACCOUNTS),
    ("meetings.register_self", "GET"): row("/meetings/{meeting}/register", ACCOUNTS),
    ("meetings.register_self", "POST"): row("/meetings/{meeting}/register", ACCOUNTS, {}),
    ("meetings.my_calendar", "GET"): row("/meetings/{meeting}/my-calendar.ics", ACCOUNTS),
    # -- accounts: the secretariat
    ("accounts.user_list", "GET"): row("/accounts", SEC),
    ("accounts.user_list", "POST"): row("/accounts", SEC, {}),
    ("accounts.send_invitation", "POST"): row("/accounts/{other}/invite", SEC),
    ("accounts.set_active", "POST"): row("/accounts/{other}/active", SEC, {"active": "1"}),
    ("accounts.add_board_member", "GET"): row("/cities/{north}/board-members/new", SEC),
    ("accounts.add_board_member", "POST"): row("/cities/{north}/board-members/new", SEC, {}),
    ("api.create_user", "POST"): row("/api/v1/users", SEC, {}),
    # -- cities and the network: every account reads, the secretariat changes
    ("members.city_list", "GET"): row("/cities", ACCOUNTS),
    ("members.city_detail", "GET"): row("/cities/{north}", ACCOUNTS),
    ("members.city_new", "GET"): row("/cities/new", SEC),
    ("members.city_new", "POST"): row("/cities/new", SEC, {}),
    ("members.city_edit", "GET"): row("/cities/{north}/edit", SEC),
    ("members.city_edit", "POST"): row("/cities/{north}/edit", SEC, {}),
    ("members.population_new", "POST"): row("/cities/{north}/population", SEC, {}),
    ("api.list_cities", "GET"): row("/api/v1/cities", ACCOUNTS),
    ("api.get_city", "GET"): row("/api/v1/cities/{north}", ACCOUNTS),
    ("api.create_city", "POST"): row("/api/v1/cities", SEC, {}),
    ("api.patch_city", "PATCH"): row("/api/v1/cities/{north}", SEC, {"population": "many"}),
    ("api.get_network", "GET"): row("/api/v1/network", ACCOUNTS),
    ("api.patch_network", "PATCH"): row("/api/v1/network", SEC, {}),
    # -- applications: every role reads them with the advice; the secretariat registers, the daily board advises
    ("admissions.application_list", "GET"): row("/applications", ACCOUNTS),
    ("admissions.application_list", "POST"): row("/applications", SEC, {}),
    ("admissions.application_detail", "GET"): row("/applications/{application}", ACCOUNTS),
    ("admissions.application_advice", "POST"): row("/applications/{application}/advice", DAILY, {}),
    ("admissions.application_withdraw", "POST"): row("/applications/{application_page_withdraw}/withdraw", SEC),
    ("api.list_applications", "GET"): row("/api/v1/applications", ACCOUNTS),
    ("api.get_application", "GET"): row("/api/v1/applications/{application}", ACCOUNTS),
    ("api.create_application", "POST"): row("/api/v1/applications", SEC, {}),
    ("api.record_advice", "POST"): row("/api/v1/applications/{application}/advice", DAILY, {}),
    ("api.withdraw_application", "POST"): row("/api/v1/applications/{application_api_withdraw}/withdraw", SEC),
    # -- polls: every role reads; the secretariat and the chair prepare; the chair opens and closes; voters vote
    ("voting.poll_list", "GET"): row("/polls", ACCOUNTS),
    ("voting.poll_detail", "GET"): row("/polls/{poll_open}", ACCOUNTS),
    ("voting.poll_create", "POST"): row("/polls/new", SEC | CHAIR, {}),
    ("voting.poll_open", "POST"): row("/polls/{draft_page}/open", CHAIR),
    ("voting.poll_close", "GET"): row("/polls/{poll_open}/close", CHAIR),
    ("voting.poll_close", "POST"): row("/polls/{poll_open}/close", CHAIR, {}),  # unconfirmed: the question again
    ("voting.poll_turnout", "GET"): row("/polls/{poll_open}/turnout.json", SEC | CHAIR),
    ("voting.poll_vote", "POST"): row("/polls/{poll_open}/vote", VOTERS, {}),
    ("voting.poll_record_pdf", "GET"): row("/polls/{poll_closed}/record.pdf", ACCOUNTS),
    ("room.poll_hand", "POST"): row("/polls/{poll_open}/hand", SEC | CHAIR, {}),
    ("room.poll_revote", "POST"): row("/polls/{poll_closed}/revote", SEC | CHAIR),
    ("api.list_polls", "GET"): row("/api/v1/polls", ACCOUNTS),
    ("api.get_poll", "GET"): row("/api/v1/polls/{poll_open}", ACCOUNTS),
    ("api.create_poll", "POST"): row("/api/v1/polls", SEC | CHAIR, {}),
    ("api.open_poll", "POST"): row("/api/v1/polls/{draft_api}/open", CHAIR),
    ("api.close_poll", "POST"): row("/api/v1/polls/{poll_to_close}/close", CHAIR),
    ("api.poll_turnout", "GET"): row("/api/v1/polls/{poll_open}/turnout", SEC | CHAIR),
    ("api.cast_vote", "POST"): [
        # Valid bodies, so that the service answers and not the schema: a city's own vote, and a hand in the room.
        row("/api/v1/polls/{poll_open}/votes", VOTERS, {"choice": "abstain"}),
        row("/api/v1/polls/{poll_open}/votes", SEC | CHAIR, {"in_room": True, "choice": "yes"}),
    ],
    ("api.poll_record", "GET"): row("/api/v1/polls/{poll_closed}/record", ACCOUNTS),
    ("api.poll_record_pdf", "GET"): row("/api/v1/polls/{poll_closed}/record.pdf", ACCOUNTS),
    # -- charts: the secretariat and the board members
    ("charts.index", "GET"): row("/charts/", SEC | BOARD_ROLE),
    ("charts.dashboard", "GET"): row("/charts/dashboard", SEC | BOARD_ROLE),
    ("charts.chart_page", "GET"): row("/charts/membership", SEC | BOARD_ROLE),
    ("charts.image", "GET"): row("/charts/membership/chart.csv", SEC | BOARD_ROLE),
    ("charts.poll_page", "GET"): row("/charts/polls/{poll_closed}", SEC | BOARD_ROLE),
    ("charts.poll_image", "GET"): row("/charts/polls/{poll_closed}/chart.csv", SEC | BOARD_ROLE),
    ("charts.members_export", "GET"): row("/charts/members.csv", SEC | BOARD_ROLE),
    # One route function serves the four charts (flask-smorest names the extra endpoints _10, _11, _12).
    ("api.get_chart", "GET"): row("/api/v1/charts/population-history?format=csv", SEC | BOARD_ROLE),
    ("api.get_chart_10", "GET"): row("/api/v1/charts/provinces?format=csv", SEC | BOARD_ROLE),
    ("api.get_chart_11", "GET"): row("/api/v1/charts/population?format=csv", SEC | BOARD_ROLE),
    ("api.get_chart_12", "GET"): row("/api/v1/charts/membership?format=csv", SEC | BOARD_ROLE),
    ("api.get_poll_chart", "GET"): row("/api/v1/charts/polls/{poll_closed}?format=csv", SEC | BOARD_ROLE),
    # -- meetings: every account reads; the secretariat manages; the chair sees attendance and runs the room
    ("meetings.meeting_list", "GET"): row("/meetings/", ACCOUNTS),
    ("meetings.meeting_detail", "GET"): row("/meetings/{meeting}", ACCOUNTS),
    ("meetings.calendar", "GET"): row("/meetings/{meeting}/calendar.ics", ACCOUNTS),
    ("meetings.decision_list", "GET"): row("/meetings/{meeting}/decisions", ACCOUNTS),
    ("meetings.decision_list_pdf", "GET"): row("/meetings/{meeting}/decisions.pdf", ACCOUNTS),
    ("meetings.decision_list_propose", "POST"): row("/meetings/{meeting}/decisions/propose", SEC, {}),
    ("meetings.document_download", "GET"): row("/meetings/documents/{document}/v1.pdf", ACCOUNTS),
    ("meetings.meeting_new", "GET"): row("/meetings/new", SEC),
    ("meetings.meeting_new", "POST"): row("/meetings/new", SEC, {}),
    ("meetings.meeting_edit", "GET"): row("/meetings/{meeting}/edit", SEC),
    ("meetings.meeting_edit", "POST"): row("/meetings/{meeting}/edit", SEC, {}),
    ("meetings.item_new", "GET"): row("/meetings/{meeting}/items/new", SEC),
    ("meetings.item_new", "POST"): row("/meetings/{meeting}/items/new", SEC, {}),
    ("meetings.item_edit", "GET"): row("/meetings/{meeting}/items/{item}/edit", SEC),
    ("meetings.item_edit", "POST"): row("/meetings/{meeting}/items/{item}/edit", SEC, {}),
    ("meetings.item_delete", "POST"): row("/meetings/{meeting}/items/{item_to_delete}/delete", SEC),
    ("meetings.invitations", "GET"): row("/meetings/{meeting}/invitations", SEC),
    ("meetings.invitations", "POST"): row("/meetings/{meeting}/invitations", SEC, {"only_unanswered": "y"}),
    ("meetings.attendance", "GET"): row("/meetings/{meeting}/attendance", SEC | CHAIR),
    ("meetings.export_csv", "GET"): row("/meetings/{meeting}/attendance.csv", SEC | CHAIR),
    ("meetings.export_xlsx", "GET"): row("/meetings/{meeting}/attendance.xlsx", SEC | CHAIR),
    ("meetings.registration_new", "GET"): row("/meetings/{meeting}/registrations/new", SEC),
    ("meetings.registration_new", "POST"): row("/meetings/{meeting}/registrations/new", SEC, {}),
    ("meetings.registration_delete", "POST"): row("/meetings/{meeting}/registrations/{registration_page}/delete", SEC),
    ("meetings.badges", "GET"): row("/meetings/{meeting}/badges.pdf", SEC),
    ("meetings.document_new", "GET"): row("/meetings/{meeting}/documents/new", SEC),
    ("meetings.document_new", "POST"): row("/meetings/{meeting}/documents/new", SEC, {}),
    ("meetings.document_version_new", "POST"): row("/meetings/documents/{document}/versions", SEC, {}),
    ("meetings.agenda_new", "GET"): row("/meetings/{meeting}/agenda/new", SEC),
    ("meetings.agenda_new", "POST"): row("/meetings/{meeting}/agenda/new", SEC, {}),
    ("meetings.agenda_retie", "POST"): row("/meetings/agenda/{agenda}/retie", SEC | CHAIR),
    ("meetings.agenda_delete", "POST"): row("/meetings/agenda/{agenda_to_delete}/delete", SEC),
    ("meetings.screen_show", "GET"): row("/meetings/{meeting}/screen", SEC | CHAIR),
    ("meetings.screen_state", "GET"): row("/meetings/{meeting}/screen/state.json", SEC | CHAIR),
    ("meetings.screen_link", "GET"): row("/meetings/{meeting}/screen/link", SEC | CHAIR),
    ("meetings.screen_revoke", "POST"): row("/meetings/{meeting}/screen/revoke", SEC | CHAIR, late=1),
    ("room.presence_page", "GET"): row("/meetings/{meeting}/presence", ACCOUNTS),
    ("room.presence_toggle", "POST"): row("/meetings/{meeting}/presence/{north}", SEC | CHAIR, {"present": "1"}),
    ("room.proxies_page", "GET"): row("/meetings/{meeting}/proxies", ACCOUNTS),
    ("room.proxies_record", "POST"): row("/meetings/{meeting}/proxies", SEC, {}),
    ("room.proxies_revoke", "POST"): row("/meetings/{meeting}/proxies/{proxy_page}/revoke", SEC),
    ("room.proxies_mandate", "GET"): row("/meetings/{meeting}/proxies/{proxy_page}/mandate.pdf", SEC | CHAIR),
    ("api.meetings_index", "GET"): row("/api/v1/meetings", ACCOUNTS),
    ("api.meetings_create", "POST"): row("/api/v1/meetings", SEC, {}),
    ("api.meetings_show", "GET"): row("/api/v1/meetings/{meeting}", ACCOUNTS),
    ("api.meetings_add_item", "POST"): row("/api/v1/meetings/{meeting}/items", SEC, {}),
    ("api.meetings_calendar", "GET"): row("/api/v1/meetings/{meeting}/calendar.ics", ACCOUNTS),
    ("api.meetings_attendance", "GET"): row("/api/v1/meetings/{meeting}/attendance", SEC | CHAIR),
    ("api.meetings_registrations", "GET"): row("/api/v1/meetings/{meeting}/registrations", SEC | CHAIR),
    ("api.meetings_register", "POST"): row("/api/v1/meetings/{meeting}/registrations", SEC, {}),
    ("api.meetings_cancel_registration", "DELETE"): row(
        "/api/v1/meetings/{meeting}/registrations/{registration_api}", SEC
    ),
    ("api.meetings_badges", "GET"): row("/api/v1/meetings/{meeting}/badges.pdf", SEC),
    ("api.meeting_decisions", "GET"): row("/api/v1/meetings/{meeting}/decisions", ACCOUNTS),
    ("api.presence_index", "GET"): row("/api/v1/meetings/{meeting}/presence", ACCOUNTS),
    ("api.presence_show", "GET"): row("/api/v1/meetings/{meeting}/presence/{north}", ACCOUNTS),
    ("api.presence_set", "PUT"): row("/api/v1/meetings/{meeting}/presence/{north}", SEC | CHAIR, {}),
    ("api.proxies_index", "GET"): row("/api/v1/meetings/{meeting}/proxies", ACCOUNTS),
    ("api.proxies_create", "POST"): row("/api/v1/meetings/{meeting}/proxies", SEC, {}),
    ("api.proxies_revoke", "DELETE"): row("/api/v1/meetings/{meeting}/proxies/{proxy_api}", SEC),
    ("api.proxies_mandate", "GET"): row("/api/v1/meetings/{meeting}/proxies/{proxy_api}/mandate.pdf", SEC | CHAIR),
}

# A page and the API route that do the same thing: the same people may.
PAIRS = [
    (("members.city_list", "GET"), ("api.list_cities", "GET")),
    (("members.city_detail", "GET"), ("api.get_city", "GET")),
    (("members.city_new", "POST"), ("api.create_city", "POST")),
    (("members.city_edit", "POST"), ("api.patch_city", "PATCH")),
    (("members.population_new", "POST"), ("api.patch_city", "PATCH")),
    (("accounts.user_list", "POST"), ("api.create_user", "POST")),
    (("accounts.account", "GET"), ("api.me", "GET")),
    (("admissions.application_list", "GET"), ("api.list_applications", "GET")),
    (("admissions.application_list", "POST"), ("api.create_application", "POST")),
    (("admissions.application_detail", "GET"), ("api.get_application", "GET")),
    (("admissions.application_advice", "POST"), ("api.record_advice", "POST")),
    (("admissions.application_withdraw", "POST"), ("api.withdraw_application", "POST")),
    (("voting.poll_list", "GET"), ("api.list_polls", "GET")),
    (("voting.poll_detail", "GET"), ("api.get_poll", "GET")),
    (("voting.poll_create", "POST"), ("api.create_poll", "POST")),
    (("voting.poll_open", "POST"), ("api.open_poll", "POST")),
    (("voting.poll_close", "POST"), ("api.close_poll", "POST")),
    (("voting.poll_turnout", "GET"), ("api.poll_turnout", "GET")),
    (("voting.poll_vote", "POST"), ("api.cast_vote", "POST", 0)),
    (("room.poll_hand", "POST"), ("api.cast_vote", "POST", 1)),
    (("voting.poll_record_pdf", "GET"), ("api.poll_record_pdf", "GET")),
    (("voting.poll_record_pdf", "GET"), ("api.poll_record", "GET")),
    (("charts.chart_page", "GET"), ("api.get_chart_12", "GET")),
    (("charts.image", "GET"), ("api.get_chart_12", "GET")),
    (("charts.poll_page", "GET"), ("api.get_poll_chart", "GET")),
    (("charts.poll_image", "GET"), ("api.get_poll_chart", "GET")),
    (("meetings.meeting_list", "GET"), ("api.meetings_index", "GET")),
    (("meetings.meeting_detail", "GET"), ("api.meetings_show", "GET")),
    (("meetings.meeting_new", "POST"), ("api.meetings_create", "POST")),
    (("meetings.item_new", "POST"), ("api.meetings_add_item", "POST")),
    (("meetings.calendar", "GET"), ("api.meetings_calendar", "GET")),
    (("meetings.attendance", "GET"), ("api.meetings_attendance", "GET")),
    (("meetings.attendance", "GET"), ("api.meetings_registrations", "GET")),
    (("meetings.registration_new", "POST"), ("api.meetings_register", "POST")),
    (("meetings.registration_delete", "POST"), ("api.meetings_cancel_registration", "DELETE")),
    (("meetings.badges", "GET"), ("api.meetings_badges", "GET")),
    (("meetings.decision_list", "GET"), ("api.meeting_decisions", "GET")),
    (("room.presence_page", "GET"), ("api.presence_index", "GET")),
    (("room.presence_toggle", "POST"), ("api.presence_set", "PUT")),
    (("room.proxies_page", "GET"), ("api.proxies_index", "GET")),
    (("room.proxies_record", "POST"), ("api.proxies_create", "POST")),
    (("room.proxies_revoke", "POST"), ("api.proxies_revoke", "DELETE")),
    (("room.proxies_mandate", "GET"), ("api.proxies_mandate", "GET")),
]


def rows_of(key) -> list[Row]:
    entry = TABLE[key[:2]]
    rows = entry if isinstance(entry, list) else [entry]
    return [rows[key[2]]] if len(key) > 2 else rows


def routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    }


# -- the world every role is asked in ------------------------------------------------------------------------


def build_world(app, people) -> dict:
    """Five member cities, an applicant, polls in every state, a meeting of today with all it can hold."""
    from governance.accounts.models import Role, UserRole
    from governance.accounts.services import find_user
    from governance.admissions.services import create_application
    from governance.meetings import agenda as meeting_agenda
    from governance.meetings import documents as meeting_documents
    from governance.meetings import meeting as meetings
    from governance.meetings import programme, registrations, room, screen
    from governance.voting.services import close_poll, create_poll, open_poll

    north, south, east, alpha, beta = (
        people.city(name=name, code=f"GM93{i:02d}")
        for i, name in enumerate(["Noordstad", "Zuidstad", "Oostdorp", "Alfastad", "Betastad"])
    )
    west, far = (
        people.city(name=n, code=f"GM94{i:02d}", member_since=None) for i, n in enumerate(["Weststad", "Verweg"])
    )
    near = people.city(name="Dichtbij", code="GM9450", member_since=None)
    emails = {
        "board": people.user("board", city_id=north)[1],
        "daily_board": people.user("daily_board")[1],
        "chair": people.user("chair")[1],
        "chair+board": people.user("chair", "board", city_id=south)[1],
        "secretariat": people.user("secretariat")[1],
        "secretariat+board": people.user("secretariat")[1],
    }
    bystander = people.user("board", city_id=alpha)[1]
    other_id, _ = people.user("board", city_id=beta)
    today = clock.today()
    with app.app_context():
        # Made as it could be before the rule: the second role added to the stored account directly.
        both = find_user(emails["secretariat+board"])
        both.role_rows.append(UserRole(role=Role.BOARD))
        both.city_id = east
        application = create_application(None, west, today - dt.timedelta(days=30))
        page_withdraw = create_application(None, far, today - dt.timedelta(days=30))
        api_withdraw = create_application(None, near, today - dt.timedelta(days=30))
        meeting = meetings.create_meeting(None, "Algemeen bestuur", today, "Stadhuis")
        item = programme.add_item(
            None, meeting, programme.ItemInput(start="10:00", end="11:00", kind="other", title="Ochtend")
        )
        doomed = programme.add_item(
            None, meeting, programme.ItemInput(start="12:00", end="13:00", kind="other", title="Lunch")
        )
        document = meeting_documents.add_document(None, meeting, "Begroting 2018", today, tiny_pdf())
        agenda = meeting_agenda.add_agenda_item(None, meeting, "Begroting 2018")
        agenda_doomed = meeting_agenda.add_agenda_item(None, meeting, "Rondvraag")
        guests = [
            registrations.register(
                None,
                meeting,
                registrations.RegistrationInput(
                    name=f"Gast {n}", email=f"gast{n}@example.test", attending=True, item_ids=[]
                ),
                on_behalf=True,
            )
            for n in (1, 2)
        ]
        proxy_page = room.record_proxy(None, meeting, alpha, north)
        proxy_api = room.record_proxy(None, meeting, beta, south)
        polls = {}
        for name in ("poll_open", "poll_to_close", "poll_closed", "draft_page", "draft_api"):
            polls[name] = create_poll(None, title=f"Motie {name}")
        for name in ("poll_open", "poll_to_close", "poll_closed"):
            open_poll(None, polls[name])
        db.session.flush()
        close_poll(None, polls["poll_closed"].id)
        db.session.commit()
        world = {
            "north": north,
            "meeting": meeting.id,
            "item": item.id,
            "item_to_delete": doomed.id,
            "document": document.id,
            "agenda": agenda.id,
            "agenda_to_delete": agenda_doomed.id,
            "registration_page": guests[0].id,
            "registration_api": guests[1].id,
            "proxy_page": proxy_page.id,
            "proxy_api": proxy_api.id,
            "application": application.id,
            "application_page_withdraw": page_withdraw.id,
            "application_api_withdraw": api_withdraw.id,
            "screen_token": screen.screen_token(meeting),
            "bystander": bystander,
            "other": other_id,
            **{name: poll.id for name, poll in polls.items()},
        }
    world["emails"] = emails
    return world


# -- asking -------------------------------------------------------------------------------------------------


def resolve(row_: Row, world) -> tuple[str, bool, dict]:
    """The row's path and body with the world's numbers filled in, and whether it is an API route."""
    path = row_.path.format(**world)
    body = {k: (v.format(**world) if isinstance(v, str) else v) for k, v in (row_.body or {}).items()}
    return path, path.startswith("/api/"), body


def answer(response, is_api: bool, anonymous: bool) -> tuple[bool, str]:
    """Whether the response is a refusal, and a complaint when a refusal does not have its side's shape."""
    status = response.status_code
    if is_api:
        if status not in (401, 403):
            return False, ""
        code = (response.get_json(silent=True) or {}).get("error", {}).get("code")
        if anonymous and (status, code) != (401, "unauthorized"):
            return True, f"a visitor without a token gets {status} {code}, not 401 unauthorized"
        if not anonymous and (status != 403 or code not in ("forbidden", "not_eligible")):
            return True, f"a refused token gets {status} {code}, not 403 forbidden"
        return True, ""
    location = response.headers.get("Location", "")
    if status in (301, 302, 303) and "/login?" in location:
        return True, "" if anonymous else "a logged-in account is sent to the login page"
    if status == 403:
        if anonymous:
            return True, "a visitor who has not logged in gets 403, not the login page"
        if "text/html" not in response.content_type:
            return True, f"the 403 is {response.content_type}, not the error page"
        return True, ""
    return False, ""


def run_role(app, world, role) -> dict[tuple, bool]:
    """Ask every row as the role; return {(endpoint, method, index): refused}, failing on a refusal's wrong shape."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    token = None
    if role != ANONYMOUS:
        response = client.post("/login", data={"email": world["emails"][role], "password": PASSWORD})
        assert response.status_code == 302, role
        from governance.accounts.services import find_user, issue_token

        with app.app_context():
            token = issue_token(None, find_user(world["emails"][role]), "table")
            db.session.commit()
    keyed = [
        ((endpoint, method, index), row_)
        for (endpoint, method), entry in TABLE.items()
        for index, row_ in enumerate(entry if isinstance(entry, list) else [entry])
    ]
    keyed.sort(key=lambda pair: pair[1].late)
    outcomes, complaints = {}, []
    for key, row_ in keyed:
        path, is_api, body = resolve(row_, world)
        headers = {"Accept-Language": "en"}
        if is_api and token:
            headers["Authorization"] = f"Bearer {token}"
        if key[1] in ("GET", "DELETE"):
            response = client.open(path, method=key[1], headers=headers)
        elif is_api:
            response = client.open(path, method=key[1], headers=headers, json=body)
        else:
            response = client.open(path, method=key[1], headers=headers, data=body)
        assert response.status_code < 500, (role, key, response.status_code)
        refused, complaint = answer(response, is_api, role == ANONYMOUS)
        if complaint:
            complaints.append(f"{key[1]} {path} as {role}: {complaint}")
        outcomes[key] = refused
    assert not complaints, "\n".join(complaints)
    return outcomes


def expected_refused(row_: Row, role: str) -> bool:
    if row_.who == EVERYONE:
        return False
    return role not in row_.who


# -- the tests ----------------------------------------------------------------------------------------------


def test_every_route_has_a_row(app):
    """A new route fails here until the table says who may use it."""
    missing = routes(app) - set(TABLE)
    stale = set(TABLE) - routes(app)
    assert not missing, f"routes without a row in tests/test_permissions.py TABLE: {sorted(missing)}"
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


def test_pages_and_api_expect_the_same_people():
    for page, api_route in PAIRS:
        for page_row in rows_of(page):
            for api_row in rows_of(api_route):
                assert page_row.who == api_row.who, f"{page} and {api_route} disagree"


@pytest.mark.parametrize("role", ROLES)
def test_role_by_route(app, people, role):
    world = build_world(app, people)
    outcomes = run_role(app, world, role)
    wrong = []
    for (endpoint, method, index), refused in sorted(outcomes.items()):
        row_ = rows_of((endpoint, method, index))[0]
        if refused != expected_refused(row_, role):
            wanted = "refused" if expected_refused(row_, role) else "allowed"
            got = "refused" if refused else "allowed"
            wrong.append(f"{method} {row_.path} ({endpoint}) as {role}: expected {wanted}, got {got}")
    assert not wrong, "\n".join(wrong)
    for page, api_route in PAIRS:
        page_keys = [k for k in outcomes if k[:2] == page]
        api_keys = [k for k in outcomes if k[:2] == api_route[:2] and (len(api_route) < 3 or k[2] == api_route[2])]
        for page_key in page_keys:
            for api_key in api_keys:
                if role == ANONYMOUS:
                    continue  # a visitor is refused by both, each in its own shape (checked in run_role)
                assert outcomes[page_key] == outcomes[api_key], f"{page_key} and {api_key} answer {role} differently"


# -- the secretariat never votes -------------------------------------------------------------------------------

BOTH_ROLES = "An account cannot be both secretariat and board member"
BOTH_ROLES_NL = "Een account kan niet zowel secretariaat als AB-lid zijn"  # pages and the CLI speak Dutch by default


def test_one_account_is_never_secretariat_and_board_member_through_the_api(app, api, people):
    city = people.city(name="Noordstad", code="GM9501")
    token = people.token(people.user("secretariat")[1])
    body = {"email": "beide@example.test", "name": "Beide", "roles": ["secretariat", "board"], "city_id": city}
    response = api("POST", "/users", {**body, "password": "Een-lang-wachtwoord-2017"}, token=token)
    assert response.status_code == 422
    assert BOTH_ROLES in response.json["error"]["fields"]["roles"][0]
    assert (
        api("POST", "/auth/token", {"email": body["email"], "password": "Een-lang-wachtwoord-2017"}).status_code == 401
    )


def test_one_account_is_never_secretariat_and_board_member_on_the_accounts_page(app, client, people):
    city = people.city(name="Noordstad", code="GM9501")
    people.login(client, people.user("secretariat")[1])
    data = {"name": "Beide", "email": "beide@example.test", "roles": ["secretariat", "board"], "city_id": city}
    response = client.post("/accounts", data=data)
    assert response.status_code == 422
    assert BOTH_ROLES_NL in response.get_data(as_text=True)
    with app.app_context():
        from governance.accounts.services import find_user

        assert find_user("beide@example.test") is None


def test_one_account_is_never_secretariat_and_board_member_from_the_command_line(app, runner, people):
    people.city(name="Noordstad", code="GM9501")
    args = ["users", "create", "beide@example.test", "--name", "Beide", "--role", "secretariat", "--role", "board"]
    result = runner.invoke(args=[*args, "--city", "Noordstad", "--password", "Een-lang-wachtwoord-2017"])
    assert result.exit_code != 0
    assert "roles:" in result.output and BOTH_ROLES_NL in result.output


def test_an_account_that_holds_both_roles_from_before_does_not_vote(app, api, client, people):
    """The rule holds for accounts made before it: the secretariat's role excludes voting, page and API alike."""
    from governance.accounts.models import Role, UserRole
    from governance.accounts.services import find_user
    from governance.voting.services import create_poll, open_poll

    city = people.city(name="Noordstad", code="GM9501")
    people.city(name="Zuidstad", code="GM9502")
    _, email = people.user("secretariat")
    with app.app_context():
        user = find_user(email)
        user.role_rows.append(UserRole(role=Role.BOARD))
        user.city_id = city
        poll = create_poll(None, title="Motie")
        open_poll(None, poll)
        db.session.commit()
        poll_id = poll.id
    response = api("POST", f"/polls/{poll_id}/votes", {"choice": "yes"}, token=people.token(email))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "not_eligible"
    assert "The secretariat never votes" in response.json["error"]["message"]
    people.login(client, email)
    page = client.get(f"/polls/{poll_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'class="ballot' not in page  # no ballot of its own (the secretariat may still record hands in the room)
    assert client.post(f"/polls/{poll_id}/vote", data={"choice": "yes", "confirmed": "1"}).status_code == 403
    assert api("GET", f"/polls/{poll_id}", token=people.token(email)).json["cast_count"] == 0


def test_a_city_votes_in_a_poll_when_it_was_a_member_as_the_poll_opened(app, people):
    from governance.members.models import City
    from governance.voting.services import create_poll, open_poll

    member = people.city(name="Noordstad", code="GM9501")
    applicant = people.city(name="Weststad", code="GM9502", member_since=None)
    with app.app_context():
        poll = create_poll(None, title="Motie")
        assert not db.session.get(City, member).can_vote_in(poll)  # a draft has no eligible cities yet
        open_poll(None, poll)
        assert db.session.get(City, member).can_vote_in(poll)
        assert not db.session.get(City, applicant).can_vote_in(poll)
        db.session.rollback()
