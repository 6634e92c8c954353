"""The presentation layer: what a user runs and reads.

- ``cli``: the command line (``ceasefire``, ``python run.py``, ``python -m sim``), a thin
  table of ``commands``, one module each: the main job (``main``) and sweep files
  (``sweep``), ``compare``, ``discover``, ``calibrate``, ``validate``, ``app``,
  ``scenarios``;
- ``app``: the browser app (its Solara page and panels, its model, its words);
- ``validation``: the validation end to end (run every truce, fit the yardstick, score),
  for ``validate`` and ``api.validate``;
- ``charts``: the figures (one scenario's, a sweep's, discovery's, the calibration's, the
  validation's);
- ``wording``: the answers in words (summaries, comparisons, sweeps, stories, discovery,
  the calibration's report, the validation's).

The generated documentation is ``sim.docs`` (``python -m sim.docs``).
"""
