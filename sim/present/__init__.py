"""The presentation layer: what a user runs and reads.

- ``cli``: the command line (``ceasefire``, ``python run.py``, ``python -m sim``), a thin
  table of ``commands``, one module each: the main job (``main``) and sweep files
  (``sweep``), ``compare``, ``discover``, ``calibrate``, ``app``, ``scenarios``;
- ``app``: the browser app (Mesa's SolaraViz page, its model, its words);
- ``charts``: the figures (one scenario's, a sweep's, discovery's, the calibration's);
- ``wording``: the answers in words (summaries, comparisons, sweeps, stories, discovery,
  the calibration's report);
- ``docs``: the generated documentation (``python -m sim.present.docs``).
"""
