"""Constants of the intake search and the dates one keystroke from a date of birth.

The search itself is :mod:`casework.clients.intake_search` (decisions 0055, 0100, 0111,
0112); these stay here beside the matching model they are set for.
"""

from __future__ import annotations

import datetime as dt

# A suggestion is flagged "possible duplicate" at this probability (as `casework match`).
ALERT_THRESHOLD = 0.5
# Of the people who come to intake, the share already on file (agencies report 60-90%;
# the benchmark's mix is 80%). With the caseload size it sets the prior odds.
RETURNING_SHARE = 0.8
# At most this many candidates from each branch of the search.
BRANCH_LIMIT = 100


def one_keystroke_dates(dob: dt.date) -> set[dt.date]:
    """Real dates whose YYYYMMDD differs from ``dob``'s by one digit or one neighbour swap."""
    text = dob.strftime("%Y%m%d")
    variants = {text[:i] + d + text[i + 1 :] for i in range(8) for d in "0123456789"}
    variants |= {text[:i] + text[i + 1] + text[i] + text[i + 2 :] for i in range(7)}
    out = set()
    for variant in variants:
        try:
            candidate = dt.date(int(variant[:4]), int(variant[4:6]), int(variant[6:]))
        except ValueError:
            continue
        if candidate.year >= 1900 and candidate <= dt.date.today():
            out.add(candidate)
    out.discard(dob)
    return out
