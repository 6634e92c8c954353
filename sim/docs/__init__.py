"""The project's generated documentation, read from the code so it cannot drift from it.

- ``mechanisms``: docs/mechanisms.md (the sentences each class encodes) and
  docs/parameters.md (the schema the classes' declarations assemble);
- ``odd``: docs/ODD.md, its prose a template (``odd_template.md``) filled in from the
  code (``introspect``).

``python -m sim.docs`` writes all three; ``tests/test_docs.py`` checks that they are
current, that every quote is verbatim in its source (``docs/sources``) and in the
docstrings of the code that encodes it, and that every parameter exists.
"""
