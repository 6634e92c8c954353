"""The agents of the ceasefire model: one module per kind.

- ``party``: a faction party to the truce (holds, retaliates, abandons a front, declares)
- ``spoiler``: a faction excluded from it (attacks where it gains)
- ``power``: an external power (patron, guarantor, JIC partner)
- ``joint_center``: the Joint Implementation Center
- ``monitoring``: perception, attribution and public reports
- ``convoys``: aid convoys to besieged fronts
- ``front``: the regions, fronts on the Mesa network
- ``beliefs``, ``acts``, ``air``: what several kinds share (trust as belief, drawing
  acts, misidentified strikes)
"""
