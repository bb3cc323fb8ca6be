"""Case-note text for the benchmarks: sentences a case manager writes, not random words.

Each note is built from sentence patterns per template section (SOAP, DAP, contact,
collateral), whose slots are filled from word lists of this field: the topics case
managers document (housing, benefits, medication, employment...), the people and
providers involved, actions, places, times. Inside each list the choice follows Zipf's law
(the word of rank ``r`` is drawn with weight ``1 / r``), as word use in real text does, so
a few words appear in most notes ("client", "housing") and many are rare (a medication, a
provider's name, a street). Notes run from about 40 to 160 words.

Search terms for the benchmark come from the same lists, in three bands by frequency:
common, middling and rare words, and two-word queries, so the measured searches hit
both long and short posting lists.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

TOPICS = [
    "housing",
    "rent",
    "benefits",
    "medication",
    "employment",
    "food",
    "transportation",
    "insurance",
    "court",
    "school",
    "childcare",
    "sleep",
    "anxiety",
    "mood",
    "budget",
    "utilities",
    "eviction",
    "shelter",
    "appointments",
    "groceries",
    "phone",
    "identification",
    "disability",
    "application",
    "paperwork",
    "custody",
    "probation",
    "treatment",
    "sobriety",
    "relapse",
    "cravings",
    "pain",
    "diabetes",
    "blood pressure",
    "dental",
    "vision",
    "wheelchair",
    "mobility",
    "hospital discharge",
    "home care",
    "meals",
    "clothing",
    "laundry",
    "hygiene",
    "family conflict",
    "isolation",
    "grief",
    "stress",
    "resume",
    "interview",
    "job search",
    "training",
    "GED",
    "driver license",
    "birth certificate",
    "social security card",
    "SNAP recertification",
    "Medicaid renewal",
    "SSI appeal",
    "security deposit",
    "voucher",
    "lease",
    "landlord",
    "roommate",
    "bedbugs",
    "heating",
    "electric bill",
    "water shutoff",
    "bus pass",
    "car repair",
    "debt",
    "credit report",
    "bank account",
    "payee",
    "protective order",
    "safety plan",
    "counseling",
    "therapy",
    "psychiatrist",
    "primary care",
    "pharmacy",
    "refills",
    "side effects",
    "hallucinations",
    "voices",
    "panic attacks",
    "nightmares",
    "appetite",
    "weight loss",
    "fall risk",
]
PEOPLE = [
    "mother",
    "daughter",
    "son",
    "partner",
    "sister",
    "brother",
    "father",
    "grandmother",
    "aunt",
    "neighbor",
    "friend",
    "roommate",
    "landlord",
    "employer",
    "teacher",
    "pastor",
    "sponsor",
    "guardian",
    "foster parent",
    "ex-partner",
    "cousin",
    "uncle",
    "nephew",
]
PROVIDERS = [
    "the housing authority",
    "the clinic",
    "the pharmacy",
    "the food bank",
    "DSS",
    "the shelter",
    "legal aid",
    "the hospital",
    "the psychiatrist",
    "the therapist",
    "vocational rehabilitation",
    "the school counselor",
    "probation",
    "the payee office",
    "Harbor Health",
    "Eastside Pantry",
    "Northgate Apartments",
    "Riverside Recovery",
    "Main Street Mission",
    "Lakeview Family Services",
    "the county DV program",
    "the workforce center",
    "Goodwill job training",
    "the VA clinic",
    "Meals on Wheels",
    "the home health agency",
    "Hillcrest Dental",
    "the utility company",
    "the court clerk",
    "Unity Behavioral Health",
    "St. Mary's Hospital",
    "Bridgeway ACT team",
    "Cedar House",
    "the transit office",
    "the SSA field office",
    "Fairview Clinic",
    "Oak Street Shelter",
]
FEELINGS = [
    "worried",
    "hopeful",
    "frustrated",
    "overwhelmed",
    "calm",
    "anxious",
    "tired",
    "angry",
    "motivated",
    "discouraged",
    "relieved",
    "confused",
    "sad",
    "optimistic",
    "scared",
    "ambivalent",
    "proud",
    "embarrassed",
    "lonely",
    "restless",
]
PRESENTATIONS = [
    "alert and oriented",
    "well groomed",
    "tearful at times",
    "guarded",
    "cooperative",
    "appropriately dressed",
    "fidgety",
    "soft spoken",
    "engaged",
    "tired looking",
    "irritable",
    "pleasant",
    "disheveled",
    "smiling",
    "quiet",
    "talkative",
]
PLACES = [
    "at the office",
    "at home",
    "at the shelter",
    "at the clinic",
    "in the community",
    "at the library",
    "at the coffee shop",
    "at the hospital",
    "at the job site",
    "at the food bank",
    "at court",
    "by the bus station",
    "at the drop-in center",
]
DOCUMENTS = [
    "the service plan",
    "the housing application",
    "the lease",
    "the benefits letter",
    "the medication list",
    "the discharge summary",
    "the budget worksheet",
    "the resume",
    "the release of information",
    "the safety plan",
    "the court order",
    "pay stubs",
    "the denial notice",
    "the appeal form",
    "the rent ledger",
    "the IPE",
    "the crisis plan",
]
ACTIONS = [
    "call",
    "email",
    "fax the release to",
    "follow up with",
    "schedule a visit with",
    "send the application to",
    "confirm the appointment with",
    "request records from",
    "submit the referral to",
    "check eligibility with",
    "arrange transport to",
    "advocate with",
    "coordinate with",
    "complete the intake for",
    "drop off forms at",
]
PROGRESS = [
    "making progress",
    "making slow progress",
    "not yet progressing",
    "on track",
    "ahead of schedule",
    "struggling",
    "partly on track",
    "close to meeting",
]
GOALS = [
    "stable housing",
    "employment",
    "medication adherence",
    "sobriety",
    "income",
    "independent living",
    "school enrollment",
    "health",
    "safety",
    "budgeting",
    "social support",
    "transportation",
    "recovery",
    "parenting",
    "reentry",
]
WHEN = [
    "last week",
    "yesterday",
    "this morning",
    "two weeks ago",
    "since the last visit",
    "over the weekend",
    "last month",
    "since discharge",
    "since Monday",
    "for a few days",
]
NEXT = [
    "next week",
    "tomorrow",
    "on Friday",
    "in two weeks",
    "by end of month",
    "on Monday",
    "within three days",
    "after the hearing",
    "before the renewal date",
    "next visit",
]
RISKS = ["Suicide", "Relapse", "Eviction", "Fall", "Violence", "Hospitalization", "Overdose"]
LEVELS = ["low", "moderate", "elevated", "unchanged", "reduced", "high"]
METHODS = ["phone", "video", "text", "email", "in person"]


def _zipf(items: Sequence[str]) -> Callable[[random.Random], str]:
    """A picker drawing ``items[r]`` with weight ``1 / (r + 1)`` (drawn 4096 at a time)."""
    cum: list[float] = []
    total = 0.0
    for rank in range(len(items)):
        total += 1.0 / (rank + 1)
        cum.append(total)
    drawn: list[str] = []

    def pick(rng: random.Random) -> str:
        if not drawn:
            drawn.extend(rng.choices(items, cum_weights=cum, k=4096))
        return drawn.pop()

    return pick


topic, person, provider = _zipf(TOPICS), _zipf(PEOPLE), _zipf(PROVIDERS)
feeling, presentation, place = _zipf(FEELINGS), _zipf(PRESENTATIONS), _zipf(PLACES)
document, action, progress = _zipf(DOCUMENTS), _zipf(ACTIONS), _zipf(PROGRESS)
goal, when, nxt = _zipf(GOALS), _zipf(WHEN), _zipf(NEXT)

SUBJECTIVE: list[Callable[[random.Random], str]] = [
    lambda r: f"Client reported feeling {feeling(r)} about {topic(r)}.",
    lambda r: f"Client stated that {topic(r)} has been a problem {when(r)}.",
    lambda r: f"Client said the {person(r)} has been helping with {topic(r)}.",
    lambda r: f"Client asked for help with {topic(r)} and {topic(r)}.",
    lambda r: f"Client's {person(r)} called about {topic(r)} {when(r)}.",
    lambda r: f"Client denied concerns about {topic(r)} at this time.",
]
OBJECTIVE: list[Callable[[random.Random], str]] = [
    lambda r: f"Met client {place(r)}; client was {presentation(r)}.",
    lambda r: f"Reviewed {document(r)} with client.",
    lambda r: f"Client brought {document(r)} to the visit.",
    lambda r: f"Contacted {provider(r)} by {r.choice(METHODS)} regarding {topic(r)}.",
    lambda r: f"Client was {presentation(r)} and {presentation(r)}.",
]
ASSESSMENT: list[Callable[[random.Random], str]] = [
    lambda r: f"Client is {progress(r)} toward the {goal(r)} goal.",
    lambda r: f"{r.choice(RISKS)} risk appears {r.choice(LEVELS)}; {topic(r)} remains a barrier.",
    lambda r: f"Barriers include {topic(r)} and {topic(r)}.",
    lambda r: f"Client benefits from support with {topic(r)}.",
]
PLAN: list[Callable[[random.Random], str]] = [
    lambda r: f"Case manager will {action(r)} {provider(r)} {nxt(r)}.",
    lambda r: f"Client will bring {document(r)} {nxt(r)}.",
    lambda r: f"Follow up on {topic(r)} {nxt(r)}.",
    lambda r: f"Next contact {nxt(r)} {place(r)}.",
]


def _section(rng: random.Random, patterns: Sequence[Callable[[random.Random], str]]) -> str:
    return " ".join(rng.choice(patterns)(rng) for _ in range(rng.randint(1, 4)))


# Note types in the proportions a caseload's notes come in, with their sections.
KINDS: list[tuple[str, float, tuple[tuple[str, Sequence[Callable[[random.Random], str]]], ...]]] = [
    (
        "soap",
        0.45,
        (
            ("subjective", SUBJECTIVE),
            ("objective", OBJECTIVE),
            ("assessment", ASSESSMENT),
            ("plan", PLAN),
        ),
    ),
    ("dap", 0.15, (("data", SUBJECTIVE + OBJECTIVE), ("assessment", ASSESSMENT), ("plan", PLAN))),
    ("contact", 0.3, (("purpose", SUBJECTIVE), ("summary", OBJECTIVE), ("next_steps", PLAN))),
    (
        "collateral",
        0.1,
        (("contact_with", OBJECTIVE), ("summary", SUBJECTIVE), ("next_steps", PLAN)),
    ),
]
_KIND_WEIGHTS = [share for _k, share, _s in KINDS]


def note(rng: random.Random) -> tuple[str, dict[str, str], str]:
    """One note: its type, its sections and their joined text (as ``joined_text`` makes)."""
    note_type, _share, layout = rng.choices(KINDS, weights=_KIND_WEIGHTS)[0]
    sections = {key: _section(rng, patterns) for key, patterns in layout}
    return note_type, sections, "\n\n".join(sections.values())


def search_terms(rng: random.Random, count: int) -> list[str]:
    """Queries as workers type them: a common word, a middling one, a rare one, two words."""
    single = [w for w in TOPICS if " " not in w]
    bands = [single[:5], single[20:45], single[-25:]]
    out = []
    for i in range(count):
        if i % 4 == 3:
            out.append(f"{rng.choice(bands[0])} {rng.choice(bands[1])}")
        else:
            out.append(rng.choice(bands[i % 4]))
    return out
