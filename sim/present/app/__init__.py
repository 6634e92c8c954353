"""The browser app (Solara, with Mesa's model controller): ``page`` (what ``solara run``
serves), ``panels`` (its panels and day-by-day charts), ``ensembles`` (the ensembles kept
for before/after), ``model`` (one truce under terms set by sliders, and its ensemble) and
``story`` (the day in words)."""
