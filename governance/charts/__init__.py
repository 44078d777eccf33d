"""The charts area: the secretariat's dashboard, membership and population charts, exports.

data.py gathers the numbers, texts.py the words, drawing.py turns both into SVG or PNG
bytes, cache.py keeps each drawing per data version, serve.py ties them to a request's
options, views.py (blueprint "charts") and governance/api/charts.py serve them.
"""
