"""Identity matching: a Fellegi-Sunter record-linkage model for people.

- :mod:`records`: a :class:`~records.Person` in, normalized :class:`~records.Features` out.
- :mod:`compare`: per-field comparison levels (exact, nickname, typo, sounds alike, ...).
- :mod:`table`: the same features and comparisons for whole columns at once (bulk runs).
- :mod:`blocking`: which pairs are compared at all.
- :mod:`estimate`: u from random pairs, m and the prior by EM; no labels needed.
- :mod:`model`: weights, match probabilities, reasons; JSON save/load.
- :mod:`pipeline`: whole dedupe and link runs (``casework match``).
- :mod:`intake`: the top-k existing clients for one incoming person.
- :mod:`database`: ``clients.Client`` rows as people; :mod:`csvio`: CSV in and out.
- :mod:`synth`: synthetic people with known duplicates, for tests and benchmarks.

Only :mod:`database` and :mod:`intake` touch Django.
"""
