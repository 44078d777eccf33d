"""Pure functions from chart data and its words to image bytes (SVG or PNG).

matplotlib's object API only: a `Figure` on an Agg canvas per call, never pyplot, so
nothing global is kept between drawings and threads do not share a figure.
"""

import datetime as dt
import io
import threading

import matplotlib
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from governance.charts.data import (
    MAX_BARS,
    MembershipData,
    PollData,
    PopulationData,
    PopulationHistoryData,
    ProvinceData,
)
from governance.charts.texts import ChartTexts

# SVG ids from a fixed salt (not a random one) and text kept as text: the same data gives
# the same bytes in every process, which keeps ETags meaningful, and the labels stay
# selectable and readable by screen readers.
matplotlib.rcParams["svg.hashsalt"] = "governance-charts"
matplotlib.rcParams["svg.fonttype"] = "none"
# Names are drawn as written: a city or motion called "Mathstad $}$" is text, not maths markup to parse.
PLAIN_TEXT = {"text.parse_math": False, "text.usetex": False}

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#6E6E6E"

WIDTH_IN = 7.0  # fits an A4 page inside its margins
BASE_FONT = 9
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}

# The font cache and mathtext parser are shared inside matplotlib; drawing is CPU-bound
# under the GIL anyway, so one drawing at a time costs nothing and rules out surprises.
_draw_lock = threading.Lock()


def _figure(
    height_in: float, left_in: float = 0.85, bottom_in: float = 0.6, right_in: float = 0.3, top_in: float = 0.8
) -> tuple[Figure, object]:
    """A figure with one axes placed by fixed margins in inches.

    Margins are set by hand rather than by matplotlib's layout engines, which draw the
    figure an extra time to measure it: that alone took a third of the time of a chart.
    """
    figure = Figure(figsize=(WIDTH_IN, height_in))
    FigureCanvasAgg(figure)
    ax = figure.add_axes(
        (
            left_in / WIDTH_IN,
            bottom_in / height_in,
            1 - (left_in + right_in) / WIDTH_IN,
            1 - (top_in + bottom_in) / height_in,
        )
    )
    return figure, ax


def _label_width_in(labels, fontsize: float) -> float:
    """About how wide the longest label is when set in DejaVu Sans (0.6 em per character)."""
    longest = max((len(str(label)) for label in labels), default=0)
    return longest * fontsize * 0.6 / 72


def _save(figure: Figure, fmt: str, dpi: int) -> bytes:
    for text in figure.findobj(Text):  # also the texts made before the context, e.g. by a legend's defaults
        text.set_parse_math(False)
        text.set_usetex(False)
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    # A lighter PNG compression: a third of the encoding time for files about a tenth larger.
    extra = {"pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}
    figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white", **extra)
    return buffer.getvalue()


def _titles(figure: Figure, ax, texts: ChartTexts) -> None:
    height = figure.get_figheight()
    figure.text(
        0.1 / WIDTH_IN, 1 - 0.12 / height, texts.title, ha="left", va="top", fontsize=BASE_FONT + 4, fontweight="bold"
    )
    if texts.subtitle:
        figure.text(
            0.1 / WIDTH_IN,
            1 - 0.42 / height,
            texts.subtitle,
            ha="left",
            va="top",
            fontsize=BASE_FONT + 1,
            color="#333333",
        )


def _style(ax) -> None:
    ax.tick_params(labelsize=BASE_FONT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _number_formatter(locale: str) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: format_decimal(round(value), locale=locale))


def _date_formatter(locale: str, span_days: float) -> FuncFormatter:
    pattern = "y" if span_days > 3 * 366 else "MMM y"
    return FuncFormatter(lambda value, _pos: babel_format_date(num2date(value).date(), pattern, locale=locale))


def _empty(texts: ChartTexts, fmt: str, dpi: int) -> bytes:
    figure, ax = _figure(3.0)
    _titles(figure, ax, texts)
    ax.set_axis_off()
    ax.text(0.5, 0.5, texts.empty, ha="center", va="center", fontsize=BASE_FONT + 3, transform=ax.transAxes)
    return _save(figure, fmt, dpi)


def draw(chart: str, data, texts: ChartTexts, fmt: str = "svg", dpi: int = 100) -> bytes:
    """The chart's image as SVG or PNG bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"cannot draw {fmt!r}")
    drawer = {
        "membership": draw_membership,
        "population": draw_population,
        "provinces": draw_provinces,
        "population-history": draw_population_history,
        "poll": draw_poll,
    }[chart]
    with _draw_lock, matplotlib.rc_context(PLAIN_TEXT):
        if data.is_empty:
            return _empty(texts, fmt, dpi)
        return drawer(data, texts, fmt, dpi)


def _date_axis(ax, start: dt.date, end: dt.date, locale: str) -> None:
    locator = AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(_date_formatter(locale, (end - start).days))


def draw_membership(d: MembershipData, texts: ChartTexts, fmt: str, dpi: int) -> bytes:
    """A step line of the member count, the cap, each rename and each admission date."""
    figure, ax = _figure(4.6, left_in=0.75)
    _titles(figure, ax, texts)
    _style(ax)

    days = [p.day for p in d.points]
    counts = [p.members for p in d.points]
    start = days[0] if days else d.on - dt.timedelta(days=365)
    span = max((d.on - start).days, 365)
    lead_in = start - dt.timedelta(days=max(180, span // 20))
    if not days:
        days, counts = [start], [d.founding]
    days.append(max(d.on, days[-1]))
    counts.append(counts[-1])
    ax.step(days, counts, where="post", color=BLUE, linewidth=2, label=texts.legend["members"])
    if d.founding:
        # Founding members have no date: a dotted stub before the first recorded change.
        ax.plot(
            [lead_in, start],
            [d.founding, d.founding],
            color=BLUE,
            linewidth=2,
            linestyle=":",
            label=texts.legend["founding"],
        )
        ax.plot([start, start], [d.founding, counts[0]], color=BLUE, linewidth=2)

    ax.axhline(d.cap, color=VERMILLION, linestyle="--", linewidth=1.5, label=texts.legend["cap"])

    admitted_days = sorted({a.day for a in d.admissions})
    if admitted_days:
        at = {p.day: p.members for p in d.points}
        ax.plot(
            admitted_days,
            [at.get(day, d.founding) for day in admitted_days],
            linestyle="none",
            marker="o",
            markersize=5 if len(admitted_days) <= 40 else 3,
            color=ORANGE,
            markeredgecolor=BLACK,
            markeredgewidth=0.6,
            label=texts.legend["admission"],
        )
        # Name the cities of the latest admission (the table under the chart names them all).
        last = admitted_days[-1]
        names = ", ".join(a.label for a in d.admissions if a.day == last)
        if len(names) > 48:
            names = names[:46] + "…"
        # Placed after the axes' limits are set (below), in the empty band under the step line, with a leader.
        latest_admission = (names, last, at.get(last, d.founding))

    top = max(max(counts), d.cap, d.founding) * 1.18 + 1
    for rename in d.renames:
        ax.axvline(rename.day, color=PURPLE, linestyle="-.", linewidth=1.5)
        ax.annotate(
            f"{rename.label}\n{babel_format_date(rename.day, 'medium', locale=texts.locale)}",
            (date2num(rename.day), top * 0.97),
            xytext=(-4, 0),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize=BASE_FONT,
            color=BLACK,
            fontweight="bold",
        )

    ax.set_ylim(0, top)
    ax.set_xlim(lead_in, max(d.on, days[-1]) + dt.timedelta(days=max(30, span // 40)))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_number_formatter(texts.locale))
    _date_axis(ax, lead_in, d.on, texts.locale)
    ax.set_ylabel(texts.y_label, fontsize=BASE_FONT + 1)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.legend(loc="lower right", fontsize=BASE_FONT, frameon=True)
    if admitted_days:
        _name_latest_admission(ax, *latest_admission)
    return _save(figure, fmt, dpi)


def _name_latest_admission(ax, names: str, day: dt.date, count: int) -> None:
    """The latest admission's cities under their point, away from the other points and the cap line.

    Above the point runs the cap line and to its left the earlier steps, so the label goes below the line,
    to the right of the point unless the point is near the right edge (then it ends at the point): never
    over other points, and never cut off at the edge of the axes.
    """
    left, right = ax.get_xlim()
    towards_right = (date2num(day) - left) / ((right - left) or 1) < 0.55
    ax.annotate(
        names,
        (day, count),
        xytext=(8 if towards_right else -8, -34),
        textcoords="offset points",
        ha="left" if towards_right else "right",
        va="top",
        fontsize=BASE_FONT - 1,
        color="#333333",
        bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        arrowprops={"arrowstyle": "-", "color": "#555555", "linewidth": 0.7, "shrinkA": 0, "shrinkB": 4},
        annotation_clip=False,
    )


def _barh(ax, labels, values, colors, hatches, locale: str) -> None:
    positions = range(len(labels))
    fontsize = BASE_FONT - (1 if len(labels) > 25 else 0)
    bars = ax.barh(positions, values, color=colors, edgecolor=BLACK, linewidth=0.4, height=0.72)
    for bar, hatch in zip(bars, hatches, strict=True):
        if hatch:
            bar.set_hatch(hatch)
    # Category names as plain texts left of the axis, not as tick labels: a matplotlib tick is five
    # artists (two marks, a grid line, two labels), and with 45 bars they cost a third of the drawing.
    ax.set_yticks([])
    ax.set_ylim(len(labels) - 0.5, -0.5)
    names = ax.get_yaxis_transform()
    for position, label in zip(positions, labels, strict=True):
        ax.text(-0.01, position, label, transform=names, ha="right", va="center", fontsize=fontsize)
    biggest = max(values) if values else 0
    for position, value in zip(positions, values, strict=True):
        ax.text(value + biggest * 0.01, position, format_decimal(value, locale=locale), va="center", fontsize=fontsize)
    ax.set_xlim(0, biggest * 1.16 if biggest else 1)
    ax.xaxis.set_major_formatter(_number_formatter(locale))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)


def draw_population(d: PopulationData, texts: ChartTexts, fmt: str, dpi: int) -> bytes:
    """Horizontal bars per city, largest first; applicants hatched in another colour."""
    shown = d.cities
    rest = []
    if len(shown) > MAX_BARS:
        shown, rest = d.cities[: MAX_BARS - 1], d.cities[MAX_BARS - 1 :]
    labels = [c.city for c in shown]
    values = [c.population or 0 for c in shown]
    colors = [BLUE if c.status == "member" else ORANGE for c in shown]
    hatches = ["" if c.status == "member" else "///" for c in shown]
    if rest:
        labels.append(texts.legend["others"])
        values.append(sum(c.population or 0 for c in rest))
        colors.append(SKY_BLUE)
        hatches.append("..")
    fontsize = BASE_FONT - (1 if len(labels) > 25 else 0)
    figure, ax = _figure(
        min(11.0, 1.6 + 0.2 * len(labels)), left_in=0.25 + _label_width_in(labels, fontsize), right_in=0.5
    )
    _titles(figure, ax, texts)
    _style(ax)
    _barh(ax, labels, values, colors, hatches, texts.locale)
    ax.set_xlabel(texts.x_label, fontsize=BASE_FONT + 1)
    handles = [Patch(facecolor=BLUE, edgecolor=BLACK, label=texts.legend["member"])]
    if d.applicants:
        handles.append(Patch(facecolor=ORANGE, edgecolor=BLACK, hatch="///", label=texts.legend["applicant"]))
    if rest:
        handles.append(Patch(facecolor=SKY_BLUE, edgecolor=BLACK, hatch="..", label=texts.legend["others"]))
    ax.legend(handles=handles, loc="lower right", fontsize=BASE_FONT)
    return _save(figure, fmt, dpi)


def draw_provinces(d: ProvinceData, texts: ChartTexts, fmt: str, dpi: int) -> bytes:
    """Horizontal bars per province, largest first."""
    labels = [p.province for p in d.provinces]
    values = [p.population for p in d.provinces]
    figure, ax = _figure(1.8 + 0.32 * len(labels), left_in=0.25 + _label_width_in(labels, BASE_FONT), right_in=0.5)
    _titles(figure, ax, texts)
    _style(ax)
    _barh(ax, labels, values, [BLUE] * len(labels), [""] * len(labels), texts.locale)
    ax.set_xlabel(texts.x_label, fontsize=BASE_FONT + 1)
    return _save(figure, fmt, dpi)


def draw_population_history(d: PopulationHistoryData, texts: ChartTexts, fmt: str, dpi: int) -> bytes:
    """A step line of the network's total population, from zero so changes are not exaggerated."""
    figure, ax = _figure(4.2, left_in=1.0)
    _titles(figure, ax, texts)
    _style(ax)
    days = [p.day for p in d.points] + [max(d.on, d.points[-1].day)]
    values = [p.population for p in d.points] + [d.points[-1].population]
    ax.step(days, values, where="post", color=BLUE, linewidth=2)
    ax.fill_between(days, values, step="post", color=SKY_BLUE, alpha=0.25, linewidth=0)
    span = max((days[-1] - days[0]).days, 365)
    ax.set_xlim(days[0] - dt.timedelta(days=span // 40), days[-1] + dt.timedelta(days=span // 40))
    ax.set_ylim(0, max(values) * 1.12)
    ax.yaxis.set_major_formatter(_number_formatter(texts.locale))
    _date_axis(ax, days[0], days[-1], texts.locale)
    ax.set_ylabel(texts.y_label, fontsize=BASE_FONT + 1)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    last = d.points[-1]
    ax.annotate(
        format_decimal(last.population, locale=texts.locale),
        (days[-1], last.population),
        xytext=(-4, 6),
        textcoords="offset points",
        ha="right",
        fontsize=BASE_FONT,
        fontweight="bold",
    )
    return _save(figure, fmt, dpi)


def draw_poll(d: PollData, texts: ChartTexts, fmt: str, dpi: int) -> bytes:
    """Bars for yes, no and abstain, and the eligible cities that did not vote, hatched."""
    choices = list(d.CHOICES)
    labels = [texts.legend[c] for c in choices]
    values = [d.votes(c) for c in choices]
    colors = [GREEN, VERMILLION, SKY_BLUE]
    hatches = ["", "xx", ".."]
    not_voted = max(0, d.eligible - d.cast)
    labels.append(texts.legend["not_voted"])
    values.append(not_voted)
    colors.append("#FFFFFF")
    hatches.append("///")
    figure, ax = _figure(3.2, left_in=0.25 + _label_width_in(labels, BASE_FONT), right_in=0.5)
    _titles(figure, ax, texts)
    _style(ax)
    _barh(ax, labels, values, colors, hatches, texts.locale)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(texts.x_label, fontsize=BASE_FONT + 1)
    return _save(figure, fmt, dpi)
