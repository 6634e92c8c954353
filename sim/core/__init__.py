"""The ground floor: what every layer uses and that uses nothing of the package.

- ``fields``: how a parameter is declared (default, unit, range, meaning, source)
- ``events``: a day's acts and incidents as flat arrays, and the causes
- ``sampling``: drawing counts, choices and per-sub-step chances from uniforms
- ``streams``: named random streams of a run's seed
- ``stacking``: constants over parameter sets, on the replication axis
- ``mechanism``: the contract every mechanism class declares
"""
