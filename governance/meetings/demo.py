"""The network day of 30 November 2017 in Lelystad, as the invitation of 15 November 2017 describes it."""

import datetime as dt
import io

import sqlalchemy as sa
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from governance.admissions.models import Application, ApplicationStatus
from governance.extensions import db
from governance.meetings.agenda import add_agenda_item
from governance.meetings.documents import add_document
from governance.meetings.meeting import create_meeting
from governance.meetings.models import ItemKind, Meeting
from governance.meetings.programme import ItemInput, add_item
from governance.voting.services import create_poll

DAY = dt.date(2017, 11, 30)
TITLE = "Bestuurlijke netwerkdag"
PLACE = "Stadhuis Lelystad, Stadhuisplein 2, Lelystad"
# "De vergaderstukken worden in begin week 47 geplaatst": Monday 20 November 2017.
DOCUMENTS_PUBLISHED = dt.date(2017, 11, 20)

# (start, end, kind, title, speakers, description) from the programme in the letter.
PROGRAMME = [
    (
        "10:00",
        "11:00",
        ItemKind.THEME_SESSION,
        "Themasessie mensen tussen wal en schip",
        "Wethouder Arjan Vliegthart (Amsterdam), Nico van Buren (Platform31)",
        (
            "De huisvesting van moeilijk bereikbare mensen met armoede en schulden: mensen die wonen in de rafelranden "
            "van de woningmarkt, zoals verouderde vakantieparken, volkstuinen of lege bedrijfspanden."
        ),
    ),
    (
        "10:00",
        "11:00",
        ItemKind.THEME_SESSION,
        "Themasessie Jeugd en aansluiting onderwijs-arbeidsmarkt",
        "Ton Heerts, voorzitter MBO-raad",
        (
            "Een terugblik op de Jong Volwassenen Top en de samenwerking op het gebied van de aansluiting van "
            "onderwijs en arbeidsmarkt voor kwetsbare jongeren."
        ),
    ),
    (
        "11:15",
        "12:15",
        ItemKind.THEME_GROUP,
        "Themagroep Ondernemerschap",
        "Valerie Vallenduuk (stichting Present Your Startup), Marja Pelzer (MKB-Nederland)",
        'Een presentatie over het project "Leerwerkmakelaar" bij Haagse MKB-bedrijven.',
    ),
    (
        "11:15",
        "12:15",
        ItemKind.THEME_GROUP,
        "Themagroep Financiën",
        "VNG",
        (
            "De financiële gevolgen van het regeerakkoord op basis van de meest actuele informatie, en de betekenis "
            "daarvan voor de G32-steden."
        ),
    ),
    (
        "11:15",
        "12:15",
        ItemKind.THEME_GROUP,
        "Themagroep Sluitend aanbod van Wonen, welzijn en zorg",
        "",
        (
            "Schaarste aan goedkope woningen en verdringing: in gesprek over de prestatieafspraken met "
            "woningcorporaties."
        ),
    ),
    (
        "11:15",
        "12:15",
        ItemKind.THEME_GROUP,
        "Doorstart themagroep statushouders",
        "",
        (
            "Inburgering, integratie en toeleiding naar onderwijs en werk: waar richten we onze inzet, in samenhang "
            "met VNG, G4 en Divosa, het meest effectief op?"
        ),
    ),
    (
        "13:00",
        "14:00",
        ItemKind.THEME_SESSION,
        "Themasessie regionale samenwerking",
        (
            "Milo Schoenmaker (burgemeester Gouda, voorzitter 4e VNG Denktank), prof. dr. ing. Geert Teisman "
            "(Erasmus Universiteit Rotterdam)"
        ),
        (
            "Wat hebben burgemeesters en wethouders nodig om regionale samenwerking naar een next level te brengen? "
            "De 4e VNG Denktank, langs de lijn van arbeidsmarktvraagstukken."
        ),
    ),
    (
        "14:00",
        "15:30",
        ItemKind.THEME_GROUP,
        "Themagroep Veiligheid / platform stedelijke veiligheid",
        "",
        (
            "Actualiteiten uit het regeerakkoord, experimenten gereguleerde cannabissteelt en de aanpak van verwarde "
            "personen (Wet verplichte ggz)."
        ),
    ),
    (
        "14:00",
        "15:30",
        ItemKind.PILLAR,
        "Sociale Pijler",
        "Minister Hugo de Jonge en staatssecretaris Paul Blokhuis (VWS), onder voorbehoud",
        (
            "Terugkoppeling van het BO met de staatssecretaris, de financiële gevolgen voor het sociaal domein en de "
            "agenda voor de toekomst van het sociaal domein."
        ),
    ),
    (
        "14:00",
        "15:30",
        ItemKind.PILLAR,
        "Fysieke Pijler",
        "Erik Jan van Kempen, directeur Woningmarkt, ministerie van BZK",
        (
            "De wijzigingen binnen BZK, de plaats van NOVI en Omgevingswet, en de ambities op het gebied van Wonen uit "
            "het regeerakkoord."
        ),
    ),
    (
        "15:30",
        "16:00",
        ItemKind.GENERAL_BOARD,
        "Algemeen Bestuur",
        "",
        (
            "Besluitvorming over het lidmaatschap van Assen en Hilversum, de begroting 2018, en een terugkoppeling "
            "vanuit het dagelijks bestuur over de inzet richting het nieuwe kabinet."
        ),
    ),
    ("16:00", "17:00", ItemKind.DRINKS, "Netwerkborrel", "", "Tot slot van de dag."),
]


def _placeholder_budget_pdf() -> bytes:
    """A one-page stand-in for the 2018 budget; the real document was published in iBabs."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle("Begroting 2018 (voorbeeld)")
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(72, 760, "G32-stedennetwerk: begroting 2018")
    canvas.setFont("Helvetica", 11)
    canvas.drawString(72, 730, "Voorbeelddocument voor de demonstratie van het portaal.")
    canvas.drawString(72, 714, "Ter goedkeuring voorgelegd aan het algemeen bestuur op 30 november 2017.")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def seed_network_day(actor=None, with_motion: bool = True, with_admission_polls: bool = True) -> Meeting:
    """Add the network day of 30 November 2017 with the letter's programme and the general board's agenda."""
    existing = db.session.scalars(sa.select(Meeting).where(Meeting.date == DAY, Meeting.title == TITLE)).first()
    if existing is not None:
        return existing
    meeting = create_meeting(
        actor,
        TITLE,
        DAY,
        PLACE,
        '"Boter bij de vis": de betekenis van het nieuwe regeerakkoord voor onze steden. De dag start om 10.00 '
        "met themagroepen en themasessies, gevolgd door pijlerbijeenkomsten; om 15.30 vergadert het algemeen "
        "bestuur, tenslotte de netwerkborrel.",
    )
    items = {}
    for start, end, kind, title, speakers, description in PROGRAMME:
        items[title] = add_item(
            actor,
            meeting,
            ItemInput(start=start, end=end, kind=kind.value, title=title, speakers=speakers, description=description),
        )
    board_item = items["Algemeen Bestuur"]

    budget = add_document(
        actor, meeting, "Begroting 2018", DOCUMENTS_PUBLISHED, _placeholder_budget_pdf(), item_id=board_item.id
    )

    # The admission votes stand prepared as drafts, ready for the chair to open; each agenda point shows the
    # latest poll on its application, so a re-vote appears there too.
    for application in _open_applications():
        if with_admission_polls:
            create_poll(actor, application_id=application.id)
        add_agenda_item(actor, meeting, f"Lidmaatschap {application.city.name}", application_id=application.id)
    motion = None
    if with_motion:
        motion = create_poll(
            actor, title="Goedkeuring begroting 2018", description="Het algemeen bestuur keurt de begroting 2018 goed."
        )
    add_agenda_item(
        actor,
        meeting,
        "Goedkeuring begroting 2018",
        "De begroting voor 2018 wordt ter goedkeuring voorgelegd.",
        poll_id=motion.id if motion else None,
        document_version_id=budget.latest.id,
    )
    add_agenda_item(
        actor, meeting, "Terugkoppeling dagelijks bestuur", "De algemene inzet van de G32 richting het nieuwe kabinet."
    )
    return meeting


def _open_applications() -> list:
    """The applications the board decides on at this meeting (Assen, Hilversum)."""
    return list(
        db.session.scalars(
            sa.select(Application).where(Application.status == ApplicationStatus.RECEIVED).order_by(Application.id)
        )
    )
