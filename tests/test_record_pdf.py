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
        "presence": {"present": [1, 2]},
        "proxies": [{"from_city_id": 3, "to_city_id": 2}],
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
            "admitted": [{"city_id": 99, "city": "Hilversum", "from": "2018-01-01"}],
            "renamed": {"from": "G32", "to": "G40", "valid_from": "2018-01-01"},
        },
        "audit_head": {"seq": 1234, "hash": "ab" * 32},
    },
    "signature": "c2lnbmF0dXJl" * 7,
    "key_id": "ed25519-0f3a",
}


@pytest.fixture
def text(app):
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        pdf = record_pdf(SIGNED)
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
        "met de hand in de zaal",
        "Zwolle",  # did not vote; its proxy was held by Lelystad
        "ed25519-0f3a",
        VERIFY_COMMAND,
    ):
        assert expected in flat, expected
    assert "ab" * 32 in text.replace("\n", "")
