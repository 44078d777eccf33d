"""The signed record as a PDF for the minutes: what the record says, laid out, with the seal and how to check it."""

import io

import pytest
from pypdf import PdfReader

from governance.voting.record_pdf import VERIFY_COMMAND, record_pdf

SIGNED = {
    "record": {
        "record_version": 1,
        "network": {"name": "G32"},
        "meeting": {
            "id": 1,
            "title": "Bestuurlijke netwerkdag",
            "date": "2017-11-30",
            "place": "Stadhuis Lelystad",
            "chair": "Ferd Crone",
        },
        "poll": {
            "id": 7,
            "kind": "admission",
            "title": "Toelating van Hilversum als lid",
            "secret": False,
            "majority": "simple",
            "opened_at": "2017-11-30T14:31:00",
            "closed_at": "2017-11-30T14:52:10",
        },
        "eligible": [
            {"city_id": 1, "name": "Almere"},
            {"city_id": 2, "name": "Lelystad"},
            {"city_id": 3, "name": "Zwolle"},
        ],
        "presence": {"present": [1, 2], "represented": [3], "proxies": [{"from_city_id": 3, "to_city_id": 2}]},
        "votes": [
            {
                "city_id": 1,
                "city": "Almere",
                "choice": "yes",
                "receipt": "AAAAA-BBBBB",
                "cast": "in_room",
                "entered_by": "Ferd Crone",
            },
            {"city_id": 2, "city": "Lelystad", "choice": "yes", "receipt": "CCCCC-DDDDD", "cast": "online"},
        ],
        "tally": {"yes": 2, "no": 0, "abstain": 0, "cast": 2, "eligible": 3},
        "majority": "simple",
        "quorum": {"rule": "more_than_half_of_eligible", "met": True},
        "outcome": "adopted",
        "reason": "majority",
        "effects": {
            "admitted": [{"city_id": 0, "from": "2018-01-01"}],
            "renamed": {"from": "G32", "to": "G40", "valid_from": "2018-01-01"},
        },
        "audit_head": {"seq": 1234, "hash": "ab" * 32},
    },
    "signature": "c2lnbmF0dXJl" * 7,
    "key_id": "ed25519-0f3a",
}


@pytest.fixture
def text(app, people):
    import copy

    signed = copy.deepcopy(SIGNED)
    # The effects name the admitted city by id, as the record does.
    signed["record"]["effects"]["admitted"][0]["city_id"] = people.city(name="Hilversum", member_since=None)
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        pdf = record_pdf(signed)
    assert pdf.startswith(b"%PDF-")
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_record_pdf_says_what_the_record_says(text):
    flat = " ".join(text.split())
    for expected in (
        "Proces-verbaal",
        "G32",
        "Bestuurlijke netwerkdag",
        "30 november 2017",
        "Stadhuis Lelystad",
        "Ferd Crone",
        "15:31",  # opened at 14:31 UTC is 15:31 in Lelystad
        "Toelating van Hilversum als lid",
        "Aangenomen",
        "Hilversum is lid per 1 januari 2018; het netwerk heet vanaf die dag G40.",
        "AAAAA-BBBBB",
        "bij handopsteking in de zaal",
        "Zwolle",  # did not vote; its proxy was held by Lelystad
        "ed25519-0f3a",
        VERIFY_COMMAND,
    ):
        assert expected in flat, expected
    assert "ab" * 32 in text.replace("\n", "")


def test_a_meeting_poll_record_carries_the_meeting_presence_and_how_each_vote_was_cast(app, api, client, people):
    from tests.room_setup import build_room

    room = build_room(app, people)
    chair, meeting_id = room.chair_token, room.meeting_id
    alkmaar, almere, amersfoort, arnhem, breda = room.city_ids
    poll = api("POST", "/polls", {"title": "Motie regiodeals", "meeting_id": meeting_id}, chair).json
    for city_id in (alkmaar, almere, amersfoort):
        assert api("PUT", f"/meetings/{meeting_id}/presence/{city_id}", {"present": True}, chair).status_code == 200
    proxy = api(
        "POST",
        f"/meetings/{meeting_id}/proxies",
        {"from_city_id": arnhem, "to_city_id": almere},
        room.secretariat_token,
    )
    assert proxy.status_code == 201, proxy.json
    assert api("GET", f"/polls/{poll['id']}/record.pdf", token=chair).status_code == 409  # a draft has no record
    assert api("POST", f"/polls/{poll['id']}/open", token=chair).status_code == 200
    assert api("POST", f"/polls/{poll['id']}/votes", {"choice": "yes"}, room.tokens[alkmaar]).status_code == 201
    r = api("POST", f"/polls/{poll['id']}/votes", {"choice": "no", "on_behalf_of": arnhem}, room.tokens[almere])
    assert r.status_code == 201, r.json
    r = api("POST", f"/polls/{poll['id']}/votes", {"choice": "yes", "city_id": amersfoort, "in_room": True}, chair)
    assert r.status_code == 201, r.json
    assert api("POST", f"/polls/{poll['id']}/close", token=chair).status_code == 200

    record = api("GET", f"/polls/{poll['id']}/record", token=chair).json["record"]
    assert record["meeting"] == {
        "id": meeting_id,
        "title": "Algemeen bestuur",
        "date": "2017-11-30",
        "place": "Stadhuis Lelystad",
        "chair": "Voorzitter Van Dam",
        "opened_by": "Voorzitter Van Dam",
    }
    assert record["presence"]["present"] == sorted([alkmaar, almere, amersfoort])
    assert record["presence"]["represented"] == [arnhem]
    assert [(p["from_city"], p["to_city"]) for p in record["presence"]["proxies"]] == [("Arnhem", "Almere")]
    casts = {v["city"]: (v["cast"], v.get("entered_by"), v.get("cast_by_city")) for v in record["votes"]}
    assert casts == {
        "Alkmaar": ("online", None, None),
        "Arnhem": ("proxy", None, "Almere"),
        "Amersfoort": ("in_room", "Voorzitter Van Dam", None),
    }

    pdf = api("GET", f"/polls/{poll['id']}/record.pdf", token=chair)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    flat = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).split())
    for expected in (
        "Algemeen bestuur",
        "Voorzitter Van Dam",
        "Arnhem gave its proxy to Almere.",
        "by proxy (cast by Almere)",
        "by a show of hands in the room",
        "Did not vote: Almere, Breda",  # Almere cast only the vote it held
        VERIFY_COMMAND,
    ):
        assert expected in flat, expected

    people.login(client, room.board[alkmaar])
    client.set_cookie("lang", "en")
    page = client.get(f"/polls/{poll['id']}").get_data(as_text=True)
    assert f'href="/polls/{poll["id"]}/record.pdf"' in page
    assert client.get(f"/polls/{poll['id']}/record.pdf").mimetype == "application/pdf"
