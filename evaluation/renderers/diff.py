"""Differences between two texts, for showing scenario revisions side by side. Pure functions.

Lines are compared first; within a changed pair of lines the characters are compared, since
Japanese text has no spaces to split words on."""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool


@dataclass(frozen=True)
class Row:
    """One row of a side-by-side view: tag is equal, replace, delete or insert."""

    tag: str
    old: tuple[Segment, ...]
    new: tuple[Segment, ...]


def _chars(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, old, new, autojunk=False
    ).get_opcodes():
        if old[i1:i2]:
            left.append(Segment(old[i1:i2], tag != "equal"))
        if new[j1:j2]:
            right.append(Segment(new[j1:j2], tag != "equal"))
    return tuple(left), tuple(right)


def side_by_side(old: str, new: str) -> list[Row]:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [
                Row("equal", (Segment(line, False),), (Segment(line, False),))
                for line in old_lines[i1:i2]
            ]
        elif tag == "replace":
            pairs = max(i2 - i1, j2 - j1)
            for k in range(pairs):
                a = old_lines[i1 + k] if i1 + k < i2 else None
                b = new_lines[j1 + k] if j1 + k < j2 else None
                if a is not None and b is not None:
                    rows.append(Row("replace", *_chars(a, b)))
                elif a is not None:
                    rows.append(Row("delete", (Segment(a, True),), ()))
                else:
                    rows.append(Row("insert", (), (Segment(b, True),)))
        elif tag == "delete":
            rows += [Row("delete", (Segment(line, True),), ()) for line in old_lines[i1:i2]]
        else:
            rows += [Row("insert", (), (Segment(line, True),)) for line in new_lines[j1:j2]]
    return rows


def value_rows(pairs: list[tuple[str, str, str]]) -> list[tuple[str, str, str, bool]]:
    """(label, old, new) → (label, old, new, changed) for short values such as years."""
    return [(label, old, new, old != new) for label, old, new in pairs]
