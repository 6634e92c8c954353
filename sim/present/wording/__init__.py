"""The model's answers in words: numbers and their intervals (``numbers``), a run's summary
(``summary``), the changes compared (``comparison``), a sweep's findings (``sweep``), the
story of one replication (``story``), scenario discovery's box (``discovery``) and the
calibration's report (``calibration``). Each reads plain results; none runs a model."""
