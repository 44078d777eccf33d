"""Draw a chart once per version of its data: an in-process LRU keyed by a data version.

The data version is read from the database on every request in one small query: the
latest audit entry that can touch a chart (every service that changes a city, a population
figure, a membership, a name, the cap, an application or a poll appends one in the same
transaction; accounts, tokens, the network day and single votes are left out) plus the
row count and highest id of each table a chart reads (so a row added or removed without
an audit entry, e.g. by a bulk import, still changes it).
Because the version comes from the database, every app server computes the same one:
a change made through any server makes the next request on every server draw anew,
with no invalidation messages. The resulting ETag is the same on every server too.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from governance.extensions import db

# Tables the charts are drawn from (names as in the models).
SOURCE_TABLES = ("city", "population_figure", "membership", "network", "network_name", "application", "poll")


@dataclass(frozen=True)
class Rendered:
    """A drawn chart (or its CSV) ready to send."""

    body: bytes
    mimetype: str
    etag: str


def _weight(value: Any) -> int:
    """Bytes a cached value holds: a drawing's body, or a flat estimate for a chart's data."""
    return len(value.body) if isinstance(value, Rendered) else 64 * 1024


class LRUCache:
    """A thread-safe least-recently-used map of at most `size` entries and about `max_bytes` of drawings.

    The byte bound matters for print PNGs: one at 600 dpi is several megabytes.
    """

    def __init__(self, size: int = 256, max_bytes: int = 64 * 1024 * 1024):
        self.size = max(1, int(size))
        self.max_bytes = max(1, int(max_bytes))
        self._entries: OrderedDict[Any, Any] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Any) -> Any:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
            return None

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            if key in self._entries:
                self._bytes -= _weight(self._entries.pop(key))
            self._entries[key] = value
            self._bytes += _weight(value)
            while len(self._entries) > 1 and (len(self._entries) > self.size or self._bytes > self.max_bytes):
                _key, evicted = self._entries.popitem(last=False)
                self._bytes -= _weight(evicted)

    def get_or_make(self, key: Any, make: Callable[[], Any]) -> Any:
        """The cached value, or make it (outside the lock: drawing may take a while) and keep it."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self.hits = self.misses = 0

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)


def chart_cache(app: Flask | None = None) -> LRUCache:
    """The app's chart cache (one per app object, so two apps in one process never share entries)."""
    app = app or current_app._get_current_object()
    cache = app.extensions.get("charts_cache")
    if cache is None:
        cache = app.extensions.setdefault(
            "charts_cache",
            LRUCache(app.config.get("CHART_CACHE_SIZE", 256), app.config.get("CHART_CACHE_BYTES", 64 * 1024 * 1024)),
        )
    return cache


# Audit entries that cannot change a chart: accounts, tokens, the network day, a single vote
# (a poll's result enters the charts with poll.closed). Everything else counts, so a new kind
# of change invalidates by default rather than being missed.
_IRRELEVANT = sa.and_(
    sa.column("object_type") != "user",
    sa.not_(sa.column("action").like("meeting.%")),
    sa.column("action") != "vote.cast",
)


def _version_query() -> sa.Select:
    audit = sa.table(
        "audit_entry", sa.column("id"), sa.column("entry_hash"), sa.column("object_type"), sa.column("action")
    )
    relevant = sa.select(audit.c.id, audit.c.entry_hash).where(_IRRELEVANT).order_by(audit.c.id.desc()).limit(1)
    relevant = relevant.subquery()
    columns = [
        sa.select(relevant.c.id).scalar_subquery(),
        sa.select(relevant.c.entry_hash).scalar_subquery(),
    ]
    for name in SOURCE_TABLES:
        table = sa.table(name, sa.column("id"))
        columns.append(sa.select(sa.func.count()).select_from(table).scalar_subquery())
        columns.append(sa.select(sa.func.max(table.c.id)).select_from(table).scalar_subquery())
    return sa.select(*columns)


_VERSION_QUERY = _version_query()


def data_version() -> str:
    """A short fingerprint of everything the charts are drawn from, as the database holds it now."""
    row = db.session.execute(_VERSION_QUERY).one()
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:20]


def etag_for(version: str, *parts: Any) -> str:
    """The ETag of one chart in one format for one data version (the same on every app server)."""
    return hashlib.sha256(repr((version, *parts)).encode()).hexdigest()[:32]
