"""The signed record (proces-verbaal) of a closed poll as a PDF for the minutes, drawn from the signed JSON alone.

Everything on the page comes from the record that was signed (and the names of admitted cities), so the PDF says
what the signature vouches for; its last lines give the key, the signature and how to check the saved JSON.
"""

import datetime as dt
import io
from typing import Any, Optional
from xml.sax.saxutils import escape

from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from governance import clock, labels
from governance.meetings.badges import _font_names
from governance.meetings.room import effects_sentences
from governance.voting.texts import reason_sentence

VERIFY_COMMAND = "flask --app governance record verify FILE"


def _when(value: Optional[str]) -> str:
    """An ISO timestamp of the record (UTC) as local date and time: "30 november 2017, 15:47"."""
    if not value:
        return "—"
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return format_datetime(moment.astimezone(clock.zone()), "d MMMM y, HH:mm:ss")


def _day(value: Optional[str]) -> str:
    return format_date(dt.date.fromisoformat(value), "long") if value else "—"


def effect_lines(record: dict[str, Any]) -> list[str]:
    """The effects as sentences, from the record's "effects" (the same words as on every page)."""
    return effects_sentences(record.get("effects"))


def _result_for_sentence(record: dict[str, Any]) -> dict[str, Any]:
    tally = record.get("tally") or {}
    return {
        "yes": tally.get("yes") or 0,
        "no": tally.get("no") or 0,
        "abstain": tally.get("abstain") or 0,
        "cast": tally.get("cast") or 0,
        "eligible": tally.get("eligible") or 0,
        "quorum_met": bool((record.get("quorum") or {}).get("met")),
        "reason": record.get("reason"),
        "outcome": record.get("outcome"),
    }


def record_pdf(signed: dict[str, Any]) -> bytes:
    """Lay out the record for the minutes: the meeting, the vote, presence and proxies, each vote, the seal."""
    record = signed["record"]
    regular, bold = _font_names()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=HexColor("#333333"))
    mono = ParagraphStyle("mono", parent=small, fontName="Courier", fontSize=7, leading=8.5)
    title_style = ParagraphStyle("title", parent=body, fontName=bold, fontSize=17, leading=21, spaceAfter=2)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=11.5, leading=15, spaceBefore=8)
    strong = ParagraphStyle("strong", parent=body, fontName=bold)

    def p(text, style=body):
        return Paragraph(escape(str(text)), style)

    poll = record.get("poll") or {}
    meeting = record.get("meeting") or None
    network = (record.get("network") or {}).get("name", "")
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Record of the vote") + f" — {poll.get('title', '')}",
        author=network,
    )
    width = A4[0] - 36 * mm
    story = [p(_("Record of the vote"), title_style), p(poll.get("title", ""), strong)]

    facts = [(_("Network"), network)]
    if meeting:
        facts += [
            (_("Meeting"), meeting.get("title", "")),
            (_("Date"), _day(meeting.get("date"))),
            (_("Place"), meeting.get("place", "")),
        ]
    facts += [
        (_("Chair"), (meeting or {}).get("chair") or poll.get("closed_by") or "—"),
        (_("Opened"), _when(poll.get("opened_at"))),
        (_("Closed"), _when(poll.get("closed_at"))),
        (
            _("Kind of vote"),
            _("secret vote: only who voted is recorded, not how")
            if poll.get("secret")
            else _("named vote: how each city votes is published with the result"),
        ),
        (_("Rule applied"), labels.majority(record.get("majority") or poll.get("majority") or "simple")),
        (_("Quorum"), _("more than half of the eligible cities cast a vote")),
    ]
    table = Table([[p(k, strong), p(v)] for k, v in facts], colWidths=[38 * mm, width - 38 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    story += [Spacer(1, 3 * mm), table]

    story.append(p(_("Outcome"), heading))
    story.append(p(reason_sentence(_result_for_sentence(record)), strong))
    for line in effect_lines(record):
        story.append(p(line, strong))
    tally = record.get("tally") or {}
    tally_rows = [
        [p(labels.choice(c), strong) for c in ("yes", "no", "abstain")] + [p(_("Cast"), strong)],
        [
            p(tally.get("yes", 0)),
            p(tally.get("no", 0)),
            p(tally.get("abstain", 0)),
            p(_("%(cast)d of %(eligible)d cities", cast=tally.get("cast") or 0, eligible=tally.get("eligible") or 0)),
        ],
    ]
    tally_table = Table(tally_rows, colWidths=[30 * mm, 30 * mm, 30 * mm, width - 90 * mm])
    tally_table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.6, HexColor("#1d4e89"))]))
    story += [Spacer(1, 2 * mm), tally_table]

    eligible = record.get("eligible") or []
    names = {c.get("city_id"): c.get("name") for c in eligible}
    story.append(p(ngettext("Eligible: %(num)d city", "Eligible: %(num)d cities", len(eligible)), heading))
    story.append(p(", ".join(c.get("name", "") for c in eligible) or "—", small))

    presence = record.get("presence")
    proxies = record.get("proxies") or (presence or {}).get("proxies")
    if presence is not None or proxies is not None:
        story.append(p(_("Presence and proxies, as frozen when the vote opened"), heading))
        if isinstance(presence, dict):
            present = presence.get("present") or []
            present_names = [names.get(c, str(c)) if isinstance(c, int) else c.get("name", "") for c in present]
            story.append(
                p(
                    ngettext("Present: %(num)d city", "Present: %(num)d cities", len(present_names))
                    + ": "
                    + (", ".join(present_names) or "—"),
                    small,
                )
            )
            represented = [names.get(c, str(c)) for c in presence.get("represented") or []]
            if represented:
                story.append(p(_("Represented by proxy") + ": " + ", ".join(represented), small))
        for proxy in proxies or []:
            giver = proxy.get("from_city") or names.get(proxy.get("from_city_id"), str(proxy.get("from_city_id")))
            holder = proxy.get("to_city") or names.get(proxy.get("to_city_id"), str(proxy.get("to_city_id")))
            story.append(p(_("%(from)s gave its proxy to %(to)s.", **{"from": giver, "to": holder}), small))
        if not proxies:
            story.append(p(_("No proxies."), small))

    votes = record.get("votes")
    if votes:
        story.append(p(_("How each city voted"), heading))
        rows = [[p(_("City"), strong), p(_("Choice"), strong), p(_("How cast"), strong), p(_("Receipt"), strong)]]
        for vote in votes:
            how = labels.cast_mode(vote.get("cast"))
            if vote.get("entered_by"):
                how += " (" + _("entered by %(name)s", name=vote["entered_by"]) + ")"
            if vote.get("cast_by_city"):
                how += " (" + _("cast by %(city)s", city=vote["cast_by_city"]) + ")"
            rows.append(
                [
                    p(vote.get("city") or names.get(vote.get("city_id"), "")),
                    p(labels.choice(vote.get("choice"))),
                    p(how, small),
                    Paragraph(escape(vote.get("receipt") or ""), mono),
                ]
            )
        votes_table = Table(rows, colWidths=[46 * mm, 24 * mm, width - 106 * mm, 36 * mm], repeatRows=1)
        votes_table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, HexColor("#1d4e89")),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, HexColor("#c0c0c0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ]
            )
        )
        story.append(votes_table)
        voted = {v.get("city_id") for v in votes}
        missing = [c.get("name", "") for c in eligible if c.get("city_id") not in voted]
        story.append(Spacer(1, 2 * mm))
        story.append(p(_("Did not vote") + ": " + (", ".join(missing) or "—"), small))
    elif poll.get("secret"):
        story.append(p(_("A secret vote: the record lists the receipts, not who voted how."), small))

    head = record.get("audit_head") or {}
    seal = [
        p(_("Seal"), heading),
        p(_("The audit chain at the close: entry %(seq)s, head (SHA-256):", seq=head.get("seq") or "—"), small),
        Paragraph(escape(str(head.get("hash") or "")), mono),
        p(_("Signed with Ed25519, key %(key)s. Signature:", key=signed.get("key_id") or "—"), small),
        Paragraph(escape(str(signed.get("signature") or "")), mono),
        Spacer(1, 2 * mm),
        p(
            _(
                "To check it: save GET /api/v1/polls/%(id)s/record as FILE and run %(command)s "
                "(with the public key of GET /api/v1/keys; no database needed).",
                id=poll.get("id"),
                command=VERIFY_COMMAND,
            ),
            small,
        ),
    ]
    story.append(KeepTogether(seal))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(HexColor("#555555"))
        canvas.drawString(18 * mm, 9 * mm, f"{network} · {poll.get('title', '')}"[:110])
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, _("page %(n)d", n=doc.page))
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
