"""The meeting room's own records: the big screen's link version, and the decision list put up for adoption."""

import datetime as dt
import json
from typing import Any, Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from governance import clock
from governance.extensions import db


class MeetingScreen(db.Model):
    """The version of a meeting's screen link: a link signed for an older version no longer opens the screen."""

    __tablename__ = "meeting_screen"

    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id"), primary_key=True)
    link_version: so.Mapped[int] = so.mapped_column(default=1)
    revoked_at: so.Mapped[Optional[dt.datetime]]
    revoked_by_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id"))

    __table_args__ = (sa.CheckConstraint("link_version >= 1", name="link_version_positive"),)


class DecisionList(db.Model):
    """A meeting's decision list as put to the next meeting: frozen items, the PDF approved, the adopting motion."""

    __tablename__ = "decision_list"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id"), unique=True)
    # The canonical JSON of the items as proposed; its SHA-256 is in the audit chain.
    items_json: so.Mapped[str] = so.mapped_column(sa.Text)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    adopting_meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id"))
    document_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("document_version.id"))
    poll_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("poll.id"))
    proposed_at: so.Mapped[dt.datetime] = so.mapped_column(default=clock.now)
    proposed_by_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id"))

    meeting: so.Mapped["Meeting"] = so.relationship(foreign_keys=[meeting_id])  # noqa: F821
    adopting_meeting: so.Mapped["Meeting"] = so.relationship(foreign_keys=[adopting_meeting_id])  # noqa: F821
    document_version: so.Mapped["DocumentVersion"] = so.relationship()  # noqa: F821
    poll: so.Mapped["Poll"] = so.relationship()  # noqa: F821

    @property
    def items(self) -> list[dict[str, Any]]:
        return json.loads(self.items_json)

    @property
    def adopted(self) -> bool:
        """Adopted once the motion that approves it closed adopted; from then on the list is locked."""
        result = self.poll.result if self.poll is not None else None
        return bool(result and result.get("outcome") == "adopted")
