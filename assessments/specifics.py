"""What each written answer must contain, and how to tell (docs/dspt-rules.md, "Specific answers").

`ASKS_FOR` is the one table: for each item answered in words (text items, and document
items answered with a written location instead of a linked document), the things its
guidance asks for, each with the plain-English words a warning uses when it is missing.
Item IDs carry across catalogue versions, so a newly loaded list keeps its checks; an
item not in the table gets only the general checks in `checks.py`.

`missing_specifics(ref, text, answer_date=None)` lists what the answer does not give.
Each kind of detail is recognised by a pattern below, tuned against the sample answers in
tests/assessments/data/answers.yaml (tests/assessments/test_specifics.py prints the hit
rate). The patterns are deliberately generous: a false warning costs a care manager time,
a missed one only leaves the general checks.
"""

from __future__ import annotations

import datetime as dt
import re

from .verdict import dates_in

# ---------------------------------------------------------------- how each detail is recognised

# A kind of document; it counts as *named* only with a word before it that says which one
# ("Data Protection Policy", "incident log", "board minutes"), not "a policy" / "our policy".
_DOC_NOUN = (
    r"polic(?:y|ies)|procedures?|plans?|logs?|registers?|schedules?|agreements?|contracts?|"
    r"handbook|notices?|forms?|checklists?|minutes|certificates?|spreadsheets?|reports?|"
    r"job descriptions?|terms of reference|induction pack|sops?|pack|book|diary|folder|"
    r"resolution|letters?|e-?mails?"
)
_NOT_A_NAME = {
    "a", "an", "the", "our", "this", "that", "these", "its", "their", "my", "your", "any",
    "some", "every", "each", "all", "relevant", "appropriate", "company", "organisation",
    "organisational", "we", "have", "has", "got", "in", "per", "see", "own", "written",
    "current", "new", "usual", "standard", "proper", "correct", "right", "of", "to",
    "is", "are", "and", "with", "on", "there", "place", "follow", "use", "it", "us", "do",
    "yes", "no", "policy", "policies", "various", "different", "necessary", "required",
}  # fmt: skip
_DOC = re.compile(rf"\b([\w'’-]+)\s+(?:{_DOC_NOUN})\b", re.IGNORECASE)
_DOC_PART = re.compile(
    r"\b(section|clause|para(graph)?|appendix|page|part|chapter)\s*\d|\bv(ersion)?\s*\d|§\s*\d",
    re.IGNORECASE,
)

_ROLE = re.compile(
    r"\b(registered|home|deputy|care|service|general|office|operations|it|branch|site|"
    r"practice|area|regional|clinical|compliance|hr|finance|training|quality|night|day)\s+"
    r"(manager|lead|officer|coordinator|co-ordinator)s?\b|"
    r"\b(managing director|directors?|owners?|proprietors?|nominated individual|ig lead|"
    r"information governance lead|dpo|data protection officer|caldicott guardian|siro|"
    r"senior information risk owner|senior accountable|administrators?|admin(istration)? team|"
    r"team leaders?|senior carers?|shift leaders?|supervisors?|trustees?|chair(person)?|"
    r"board|head of [a-z]+|it (supplier|provider|company|support|firm|contractor)|"
    r"maintenance (person|lead|team)|handyman|caretaker|nurse in charge|ceo|coo|cfo)\b",
    re.IGNORECASE,
)
# A person: "Mrs Patel", "by Priya", "Priya Shah (IG lead)", "the manager, Priya".
_PERSON = re.compile(
    r"\b(Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z]|\bby\s+[A-Z][a-z]+\b|\b[A-Z][a-z]+ [A-Z][a-z]+\s*\(|"
    r"\b[Mm]anager,?\s+[A-Z][a-z]+"
)

_LOCATION = re.compile(
    r"\b(shared drive|[a-z]: ?drive|drive|folders?|sharepoint|onedrive|google drive|dropbox|"
    r"teams|intranet|cabinets?|cupboard|safe|shelf|binder|server|cloud|portal|noticeboard|"
    r"notice board|staff room|nurses'? station|reception|manager'?s office|main office|"
    r"admin office|office|system|app|software|nourish|person centred software|pcs|"
    r"log ?my ?care|birdie|caredocs|access care|carefree|coolcare|sage|breathe ?hr|"
    r"rotacloud|quickbooks|filing|file \w+|box file|lever arch|red file|offsite|off-site|"
    r"data ?cent(re|er)|nas|usb|external (hard )?drive|backup drive|tape)\b|"
    r"https?://|\w\s*>\s*\w|\\\\|\b\w+/\w+\b",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"\b(hourly|daily|nightly|weekly|fortnightly|monthly|bi-?monthly|quarterly|"
    r"annual(ly)?|yearly|half-yearly|six-monthly|continuous(ly)?|real[- ]time|"
    r"every (day|night|week|month|quarter|year|morning|evening|shift|\d+|other|two|three|"
    r"four|six|few)|each (day|night|week|month|quarter|year|shift|meeting)|"
    r"once an? (day|week|month|quarter|year)|twice an? (day|week|month|quarter|year)|"
    r"\d+ times an? (day|week|month|quarter|year)|at (each|every) (meeting|supervision|shift)|"
    r"standing (item|agenda))\b",
    re.IGNORECASE,
)
_MEASURE = re.compile(
    r"\b(lock(s|ed|able|ing)?|keys?|key-?pad|key ?code|codes?|fobs?|swipe|cabinets?|safes?|"
    r"bags?|shred(der|ded|ding|s)?|cross-?cut|wipe[ds]?|wiping|erase[ds]?|degauss\w*|"
    r"encrypt\w*|passwords?|pins?|cctv|alarms?|visitors?'? (book|log|sign)|sign(ed)?[- ]in|"
    r"clear desk|screen lock\w*|escort\w*|sealed|boot|lanyards?|id badges?|badges?|"
    r"destruction certificates?|certificates? of destruction|confidential waste|"
    r"consoles?|pulp\w*|incinerat\w*|never left|out of sight|signed out|sign-out)\b",
    re.IGNORECASE,
)
_ICO_NUMBER = re.compile(r"\b(Z[A-Z]\d{6}|Z\d{7})\b", re.IGNORECASE)
_TIMESCALE = re.compile(
    r"\bwithin\s+(\d+|one|two|three|seven|fourteen|a)\s+(hours?|days?|weeks?|working days?)\b|"
    r"\bautomatic(ally)?\b|\bsame day\b|\b\d+\s+days?\b|\bas soon as\b",
    re.IGNORECASE,
)
# "None in the last 12 months" answers an item that asks about incidents.
_NONE = re.compile(
    r"^\W*(none|nil|no (repeat )?incidents?|no repeats?|there (have|has) been no|"
    r"we have(n't| not) had any)\b",
    re.IGNORECASE,
)


def _named_document(text: str) -> bool:
    if _DOC_PART.search(text):
        return True
    return any(m.group(1).lower() not in _NOT_A_NAME for m in _DOC.finditer(text))


def _has_role(text: str) -> bool:
    return bool(_ROLE.search(text) or _PERSON.search(text))


DETECTORS = {
    "document": _named_document,
    "date": lambda text: bool(dates_in(text)),
    "role": _has_role,
    "location": lambda text: bool(_LOCATION.search(text)),
    "frequency": lambda text: bool(_FREQUENCY.search(text)),
    "measure": lambda text: bool(_MEASURE.search(text)),
    "ico_number": lambda text: bool(_ICO_NUMBER.search(text)),
    "timescale": lambda text: bool(_TIMESCALE.search(text)),
}

# ---------------------------------------------------------------- the table

# ref: ((kind, what the warning calls it when missing), ...), from each item's guidance.
ASKS_FOR: dict[str, tuple[tuple[str, str], ...]] = {
    "1.1.1": (
        ("ico_number", "the registration number (e.g. ZA123456)"),
        ("date", "when the fee was last paid or renews"),
    ),
    "1.1.2": (
        ("document", "the register's name"),
        ("location", "where it is held (folder or system)"),
        ("date", "when managers last reviewed it"),
    ),
    "1.1.3": (
        ("document", "which notices (e.g. 'Privacy notice for people we support v3')"),
        ("date", "their review date"),
    ),
    "1.1.5": (
        ("role", "who it is (a job title such as Registered Manager, or a name)"),
        ("document", "how the role was given (e.g. job description section, dated minutes)"),
        ("frequency", "how often senior people discuss data security"),
        ("location", "where those discussions are recorded"),
    ),
    "1.3.6": (
        ("role", "an owner for each risk"),
        ("date", "a target date"),
    ),
    "1.3.12": (
        ("measure", "the rule staff follow (e.g. locked bag, never left in a car)"),
        ("document", "where the rule is written down"),
    ),
    "1.3.13": (
        ("measure", "the measures (e.g. locked cabinets, key-code office)"),
        ("date", "when they were last checked"),
    ),
    "1.4.3": (
        ("measure", "the method (e.g. cross-cut shredder, wiping devices)"),
        ("role", "who does it"),
        ("location", "how it is logged (the log or certificates, and where they are kept)"),
    ),
    "6.3.5": (("date", "when each repeat incident happened (or write 'None')"),),
    "7.1.1": (
        ("location", "where the register is held"),
        ("date", "when it was last reviewed"),
    ),
    "7.2.1": (
        ("date", "the date of the last test"),
        ("role", "who took part"),
    ),
    "7.3.4": (
        ("frequency", "how often backups are made"),
        ("location", "where the backup is held"),
        ("date", "the date of the last test restore"),
    ),
    "8.2.1": (
        ("role", "who approved the risk"),
        ("date", "when it was approved"),
    ),
    "8.3.1": (
        ("document", "the update policy or supplier agreement"),
        ("timescale", "how quickly critical updates are installed (e.g. within 14 days)"),
    ),
}
# Items whose answer may simply say there was nothing to report.
NONE_IS_AN_ANSWER = {"6.3.5"}


def missing_specifics(ref: str, text: str, answer_date: dt.date | None = None) -> list[str]:
    """What item `ref`'s guidance asks for that `text` does not give (in table order)."""
    asks = ASKS_FOR.get(ref)
    text = (text or "").strip()
    if not asks or not text:
        return []
    if ref in NONE_IS_AN_ANSWER and _NONE.search(text):
        return []
    return [
        label
        for kind, label in asks
        if not (kind == "date" and answer_date) and not DETECTORS[kind](text)
    ]
