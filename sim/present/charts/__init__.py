"""Charts (matplotlib): ``figures`` (what every chart shares: fonts, figures that show in a
notebook, saving), one scenario's and scenarios compared (``scenario``), a sweep's
(``sweep``), scenario discovery's (``discovery``) and the calibration's (``calibration``).
Each takes plain results and returns its figure; none runs a model."""
