"""What loading a catalogue would do, before anything is loaded (import_dspt and the admin).

`catalogue_preview(data)` takes validated data from `catalogue.catalogue_read` and says
what will be loaded (counts by level, answer type), whether it is already loaded, and for
each list that assessments under way use (not yet approved or published, same DSPT year
or earlier), which item IDs are new, gone, reworded or change level. Those assessments
stay on their list until an editor moves them (answers follow by item ID).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .catalogue import content_hash
from .models import AnswerType, Assessment, AssessmentStatus, CatalogueVersion, Level
from .services import level_change

LEVEL_WORDS = {
    Level.APPROACHING: "needed for Approaching Standards",
    Level.MET: "needed for Standards Met only",
    Level.OPTIONAL: "optional",
}


@dataclass
class ListChanges:
    """How the new list differs from one list in use."""

    catalogue: CatalogueVersion
    assessments: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reworded: list[str] = field(default_factory=list)
    level_changes: list[str] = field(default_factory=list)
    kept: int = 0


@dataclass
class CataloguePreview:
    key: str
    label: str
    dspt_year: int
    standards: int
    assertions: int
    items: int
    by_level: dict[str, int]
    by_answer_type: dict[str, int]
    already_loaded: bool = False
    key_taken: bool = False
    under_way: list[ListChanges] = field(default_factory=list)

    @property
    def can_load(self) -> bool:
        return not (self.already_loaded or self.key_taken)

    def lines(self) -> list[str]:
        """The preview in plain sentences (the command prints them; the admin lists them)."""
        out = [
            f"{self.label} (key {self.key}, deadline 30 June {self.dspt_year}): "
            f"{self.standards} standards, {self.assertions} assertions, {self.items} items.",
            "Levels: "
            + ", ".join(f"{n} {label}" for label, n in self.by_level.items() if n)
            + ". Answer types: "
            + ", ".join(f"{n} {label.lower()}" for label, n in self.by_answer_type.items() if n)
            + ".",
        ]
        if self.already_loaded:
            out.append("This list is already loaded: nothing would change.")
        elif self.key_taken:
            out.append(
                f"A different list is already loaded as {self.key}: give this one a new key."
            )
        if not self.under_way:
            out.append("No assessment under way uses another list of this year.")
        for c in self.under_way:
            out.append(
                f"{c.assessments} assessment{'s' if c.assessments != 1 else ''} under way on "
                f"{c.catalogue.label} can move to it (an editor chooses when): answers kept for "
                f"{c.kept} items matched by ID; {len(c.added)} new to answer"
                + (f" ({_refs(c.added)})" if c.added else "")
                + f"; {len(c.removed)} no longer in the list"
                + (f" ({_refs(c.removed)})" if c.removed else "")
                + f"; {len(c.reworded)} reworded"
                + (f" ({_refs(c.reworded)})" if c.reworded else "")
                + (" to check." if c.reworded else ".")
            )
            out.extend(f"  {line}" for line in c.level_changes)
        return out


def _refs(refs: list[str], limit: int = 12) -> str:
    more = f" and {len(refs) - limit} more" if len(refs) > limit else ""
    return ", ".join(refs[:limit]) + more


def _items(data: dict) -> list[dict]:
    return [i for s in data["standards"] for a in s["assertions"] for i in a["items"]]


def catalogue_preview(data: dict) -> CataloguePreview:
    meta, items = data["version"], _items(data)
    levels = Counter(i["level"] for i in items)
    types = Counter(i["answer_type"] for i in items)
    existing = CatalogueVersion.objects.filter(key=meta["key"]).first()
    preview = CataloguePreview(
        key=meta["key"],
        label=meta["label"],
        dspt_year=meta["dspt_year"],
        standards=len(data["standards"]),
        assertions=sum(len(s["assertions"]) for s in data["standards"]),
        items=len(items),
        by_level={label: levels.get(value, 0) for value, label in LEVEL_WORDS.items()},
        by_answer_type={label: types.get(value, 0) for value, label in AnswerType.choices},
        already_loaded=bool(existing and existing.content_hash == content_hash(data)),
        key_taken=bool(existing and existing.content_hash != content_hash(data)),
    )
    in_use = Counter(
        Assessment.objects.filter(dspt_year__lte=meta["dspt_year"])
        .exclude(status__in=[AssessmentStatus.APPROVED, AssessmentStatus.PUBLISHED])
        .exclude(catalogue__key=meta["key"])
        .values_list("catalogue_id", flat=True)
    )
    new = {i["ref"]: i for i in items}
    for catalogue in CatalogueVersion.objects.filter(pk__in=in_use).order_by("dspt_year", "key"):
        old = {i.ref: i for i in catalogue.items.all()}
        changes = ListChanges(catalogue=catalogue, assessments=in_use[catalogue.pk])
        changes.added = [ref for ref in new if ref not in old]
        changes.removed = [ref for ref in old if ref not in new]
        both = [ref for ref in new if ref in old]
        changes.kept = len(both)
        changes.reworded = [ref for ref in both if old[ref].summary != new[ref]["summary"]]
        changes.level_changes = [
            f"{ref} {level_change(old[ref].level, new[ref]['level'])}"
            for ref in both
            if old[ref].level != new[ref]["level"]
        ]
        preview.under_way.append(changes)
    return preview
