"""The browser app (Mesa's SolaraViz): ``page`` (what ``solara run`` serves), ``model`` (one
truce under terms set by sliders, and its ensemble) and ``story`` (the day in words)."""
