"""The signed record of a closed poll, the public key that checks it, and the key files behind them."""

import base64
import json
import os

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from governance.audit import AuditAnchor, AuditEntry
from governance.extensions import db
from governance.voting.record import canonical_json
from tests.conftest import make_app


@pytest.fixture
def meeting(app, people, api):
    """Three member cities, their board members, a chair and a draft motion."""
    cities = [people.city(name=name) for name in ("Assen", "Lelystad", "Zwolle")]
    _, chair = people.user("chair")
    voters = [people.token(people.user("board", city_id=c)[1]) for c in cities]
    return {"cities": cities, "chair": people.token(chair), "voters": voters}


def run_poll(api, meeting, *, secret=False, choices=("yes", "yes", "no")):
    chair = meeting["chair"]
    poll = api("POST", "/polls", {"title": "Begroting 2018", "secret": secret}, chair).get_json()
    assert api("POST", f"/polls/{poll['id']}/open", token=chair).status_code == 200
    receipts = []
    for token, choice in zip(meeting["voters"], choices, strict=False):
        response = api("POST", f"/polls/{poll['id']}/votes", {"choice": choice}, token)
        assert response.status_code == 201
        receipts.append(response.get_json()["receipt"])
    return poll["id"], receipts


def close(api, meeting, poll_id):
    assert api("POST", f"/polls/{poll_id}/close", token=meeting["chair"]).status_code == 200


def test_keys_are_served_without_a_token_and_only_the_public_half(api, app):
    response = api("GET", "/keys")
    assert response.status_code == 200
    (key,) = response.get_json()["keys"]
    assert key["algorithm"] == "Ed25519"
    raw = base64.b64decode(key["public_key"])
    assert len(raw) == 32
    with open(app.config["SIGNING_KEY_FILE"], "rb") as handle:
        private = handle.read()
    assert b"PRIVATE" in private and private not in response.data
    assert len(key["key_id"]) == 16


def test_the_record_is_refused_before_the_close(api, meeting):
    poll_id, _receipts = run_poll(api, meeting)
    response = api("GET", f"/polls/{poll_id}/record", token=meeting["chair"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_state"


def test_the_record_of_a_closed_named_poll_is_signed_and_complete(api, app, meeting):
    poll_id, receipts = run_poll(api, meeting)
    close(api, meeting, poll_id)
    document = api("GET", f"/polls/{poll_id}/record", token=meeting["voters"][0]).get_json()
    record = document["record"]
    key = api("GET", "/keys").get_json()["keys"][0]
    assert document["key_id"] == key["key_id"]
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
    public.verify(base64.b64decode(document["signature"]), canonical_json(record))  # raises when it does not hold

    assert record["network"]["name"] == "G32"
    assert record["poll"]["id"] == poll_id and record["poll"]["title"] == "Begroting 2018"
    assert [c["name"] for c in record["eligible"]] == ["Assen", "Lelystad", "Zwolle"]
    votes = [(v["city"], v["choice"]) for v in record["votes"]]
    assert votes == [("Assen", "yes"), ("Lelystad", "yes"), ("Zwolle", "no")]
    assert sorted(v["receipt"] for v in record["votes"]) == sorted(receipts)
    assert record["tally"] == {"yes": 2, "no": 1, "abstain": 0, "cast": 3, "eligible": 3}
    assert (record["outcome"], record["reason"], record["majority"]) == ("adopted", "majority", "simple")
    with app.app_context():
        head = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.seq == record["audit_head"]["seq"])).one()
        close_seq = db.session.scalar(sa.select(AuditEntry.seq).where(AuditEntry.action == "poll.closed"))
    assert head.entry_hash == record["audit_head"]["hash"]
    assert record["audit_head"]["seq"] >= close_seq


def test_the_record_of_a_secret_poll_lists_receipts_but_not_how_anyone_voted(api, meeting):
    poll_id, receipts = run_poll(api, meeting, secret=True)
    close(api, meeting, poll_id)
    record = api("GET", f"/polls/{poll_id}/record", token=meeting["chair"]).get_json()["record"]
    assert record["votes"] is None
    assert record["receipts"] == sorted(receipts)
    assert record["tally"]["yes"] == 2


def test_the_record_needs_a_token(api, meeting):
    poll_id, _ = run_poll(api, meeting)
    close(api, meeting, poll_id)
    assert api("GET", f"/polls/{poll_id}/record").status_code == 401
    assert api("GET", "/polls/999/record", token=meeting["chair"]).status_code == 404


@pytest.fixture
def saved_record(api, meeting, tmp_path):
    poll_id, _ = run_poll(api, meeting)
    close(api, meeting, poll_id)
    document = api("GET", f"/polls/{poll_id}/record", token=meeting["chair"]).get_json()
    path = tmp_path / "record.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path, document


def test_record_verify_accepts_the_record_as_saved(runner, saved_record):
    path, document = saved_record
    result = runner.invoke(args=["record", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert f"poll {document['record']['poll']['id']}" in result.output


def test_record_verify_with_the_public_key_alone(runner, api, saved_record, tmp_path):
    path, _ = saved_record
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(json.dumps(api("GET", "/keys").get_json()), encoding="utf-8")
    assert runner.invoke(args=["record", "verify", str(path), "--key", str(keys_file)]).exit_code == 0
    public = api("GET", "/keys").get_json()["keys"][0]["public_key"]
    assert runner.invoke(args=["record", "verify", str(path), "--key", public]).exit_code == 0


def _altered(document, change):
    altered = json.loads(json.dumps(document))
    change(altered)
    return altered


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["record"]["tally"].update(yes=30), "does not match"),
        (lambda d: d["record"].update(outcome="rejected"), "does not match"),
        (lambda d: d.pop("signature"), "not signed"),
        (lambda d: d.update(signature=""), "not signed"),
        (lambda d: d.update(signature="!!"), "does not match"),
        (lambda d: d.update(key_id="0123456789abcdef"), "0123456789abcdef"),
        (lambda d: d.pop("record"), "not a signed record"),
    ],
)
def test_record_verify_finds_an_altered_or_unsigned_record(runner, saved_record, change, expected):
    path, document = saved_record
    path.write_text(json.dumps(_altered(document, change)), encoding="utf-8")
    result = runner.invoke(args=["record", "verify", str(path)])
    assert result.exit_code == 1
    assert expected in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "cannot be read"), ("{not json", "is not JSON"), (b"\xff\xfe", "not UTF-8")],
)
def test_record_verify_on_a_file_it_cannot_read(runner, tmp_path, content, expected):
    path = tmp_path / "record.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["record", "verify", str(path)])
    assert result.exit_code == 2
    assert expected in result.output and "Traceback" not in result.output


def test_record_verify_with_a_key_that_is_not_one(runner, saved_record):
    path, _ = saved_record
    result = runner.invoke(args=["record", "verify", str(path), "--key", "not-a-key"])
    assert result.exit_code == 2 and "not an Ed25519 public key" in result.output


def test_verify_against_a_saved_record_finds_the_tail_cut_with_its_anchor(app, runner, saved_record):
    path, document = saved_record
    assert runner.invoke(args=["audit", "verify", "--against", str(path)]).exit_code == 0
    head_seq = document["record"]["audit_head"]["seq"]
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.delete(AuditEntry).where(AuditEntry.seq >= head_seq - 1))
            connection.execute(sa.delete(AuditAnchor))
    result = runner.invoke(args=["audit", "verify", "--against", str(path)])
    assert result.exit_code == 1
    assert f"signed when it reached entry {head_seq}" in result.output


def test_verify_against_a_rewritten_chain(app, runner, saved_record):
    path, document = saved_record
    head_seq = document["record"]["audit_head"]["seq"]
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.update(AuditEntry).where(AuditEntry.seq == head_seq).values(entry_hash="f" * 64))
    result = runner.invoke(args=["audit", "verify", "--against", str(path)])
    assert result.exit_code == 1


def test_the_app_refuses_to_start_with_a_key_file_others_may_read(app, tmp_path):
    key = tmp_path / "mac-key"
    key.write_text(base64.b64encode(os.urandom(32)).decode())
    key.chmod(0o644)
    with pytest.raises(RuntimeError, match="may be read by others"):
        make_app(MAC_KEY_FILE=str(key))


def test_init_db_creates_missing_keys_with_owner_only_permissions(app, tmp_path):
    signing, mac = tmp_path / "k" / "signing-key.pem", tmp_path / "k" / "mac-key"
    other = make_app(SIGNING_KEY_FILE=str(signing), MAC_KEY_FILE=str(mac))
    result = other.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    for path in (signing, mac):
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert "BEGIN PRIVATE KEY" in signing.read_text()
    assert signing.read_text() not in result.output


def test_verify_without_the_mac_key_says_so(app, tmp_path):
    other = make_app(MAC_KEY_FILE=str(tmp_path / "absent"))
    result = other.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 2
    assert "is missing" in result.output and "Traceback" not in result.output
