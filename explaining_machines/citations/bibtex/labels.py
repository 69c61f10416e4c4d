"""Names and labels of a cited entry: who wrote it, how author-year labels read, what Scholar reads.

"Molnar", "Rudin and Doe" and "Smith et al." for in-text citations; "Molnar, 2020" labels,
with 2019a and 2019b for two entries that would share one; the fields Google Scholar
reads of each entry of a reference list (``citation_reference``).
"""

from __future__ import annotations

from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.database import Entry, Person

from explaining_machines.citations.bibtex.latex import rich


def is_others(person: Person) -> bool:
    return str(person) == "others"


TEXT = TextBackend()


def who(key: str, entry: Entry) -> str:
    """The authors as an in-text citation names them: "Molnar", "Rudin and Doe", "Smith et al."."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    others = bool(people) and is_others(people[-1])
    names = [last_name(person) for person in people[: -1 if others else None]]
    if not names:
        return plain(entry.fields.get("organization", entry.fields.get("title", key)))
    if len(names) > 2 or others:
        return f"{names[0]} et al."
    return " and ".join(names)


def scholar_fields(entry: Entry) -> tuple[tuple[str, str], ...]:
    """What Google Scholar reads of a cited entry, as (citation_ field, value) pairs."""
    pairs = [("title", plain(entry.fields.get("title", "")))]
    for person in entry.persons.get("author", []):
        if not is_others(person):
            first = " ".join(part.render(TEXT) for part in person.rich_first_names + person.rich_middle_names)
            pairs.append(("author", f"{last_name(person)}, {first}".rstrip(", ")))
    pairs.append(("publication_date", plain(entry.fields.get("year", ""))))
    venue = entry.fields.get("journal") or entry.fields.get("booktitle") or ""
    pairs.append(("journal_title" if "journal" in entry.fields else "conference_title", plain(venue)))
    pairs += [("volume", plain(entry.fields.get("volume", ""))), ("issue", plain(entry.fields.get("number", "")))]
    first, _, last = plain(entry.fields.get("pages", "")).replace("–", "-").partition("-")
    pairs += [("firstpage", first.strip()), ("lastpage", last.strip("- ")), ("doi", entry.fields.get("doi", ""))]
    return tuple((name, value) for name, value in pairs if value)


def author_year_labels(keys: list[str], entries: dict[str, Entry], names: dict[str, str]) -> dict[str, str]:
    """Labels "Molnar, 2020", "Rudin and Doe, 2019", "Smith et al., 2019"; two entries with
    one label get 2019a, 2019b in order of citation, and so does the year their entries show."""
    base = {key: f"{names[key]}, {plain(entries[key].fields.get('year', 'n.d.'))}" for key in keys}
    labels = {}
    for key in keys:
        twins = [k for k in keys if base[k] == base[key]]
        suffix = chr(ord("a") + twins.index(key)) if len(twins) > 1 else ""
        labels[key] = base[key] + suffix
        if suffix and "year" in entries[key].fields:  # a prepared copy: the .bib entry stays as it is
            entries[key].fields["year"] += suffix
    return labels


def last_name(person: Person) -> str:
    try:
        return " ".join(part.render(TEXT) for part in person.rich_prelast_names + person.rich_last_names)
    except UnicodeDecodeError:  # a stray backslash latexcodec cannot read
        return " ".join(person.prelast_names + person.last_names)


def plain(latex: str) -> str:
    return rich(latex).render(TEXT)
