"""The membership chart names its latest admission where it can be read: inside the axes, over no other point."""

import datetime as dt

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from governance.charts.drawing import _name_latest_admission

STEPS = [
    (dt.date(2009, 5, 1), 32),
    (dt.date(2011, 3, 1), 34),
    (dt.date(2014, 5, 1), 35),
    (dt.date(2014, 10, 1), 36),
    (dt.date(2014, 12, 1), 37),
    (dt.date(2016, 12, 1), 38),
    (dt.date(2018, 1, 1), 40),
]


@pytest.mark.parametrize("until", [dt.date(2018, 1, 15), dt.date(2026, 12, 2)])
def test_the_label_sits_inside_the_axes_and_over_no_other_point(until):
    figure = Figure(figsize=(7, 4.6))
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    days, counts = zip(*STEPS, strict=True)
    ax.step([*days, until], [*counts, 40], where="post")
    points = ax.plot(days, counts, linestyle="none", marker="o")[0]
    ax.set_xlim(dt.date(2008, 6, 1), until + dt.timedelta(days=60))
    ax.set_ylim(0, 48)
    _name_latest_admission(ax, "Assen, Hilversum", dt.date(2018, 1, 1), 40)
    figure.canvas.draw()  # an annotation places its words when drawn
    renderer = figure.canvas.get_renderer()
    label = next(a for a in ax.texts if a.get_text() == "Assen, Hilversum")
    box = Text.get_window_extent(label, renderer)  # the words alone, not the leader drawn to the point
    assert ax.get_window_extent(renderer).contains(box.x0, box.y0)
    assert ax.get_window_extent(renderer).contains(box.x1, box.y1)
    for x, y in points.get_transform().transform(points.get_xydata()):
        assert not box.padded(4).contains(x, y)
