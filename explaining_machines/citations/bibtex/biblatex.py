"""biblatex and reference-manager entries in the shape BibTeX's styles expect.

Zotero, JabRef and Mendeley export biblatex types (``@online``, ``@thesis``, ``@report``)
and fields (``journaltitle``, ``location``, ``date``) that pybtex's BibTeX styles do not
know. `prepare` copies a cited entry, follows its ``crossref`` as BibTeX does, and maps
types and fields onto the ones the styles format; a DOI written as a URL becomes the DOI.
An unknown type is shown as misc, with a `Problem`.
"""

from __future__ import annotations

import re

from pybtex.database import Entry

from explaining_machines.citations.bibtex.reading import Library, Problem

# biblatex and reference-manager entry types, as the BibTeX types pybtex's styles format.
# Theses go by their `type` field (`_thesis`). Any other type is shown as misc, with a Problem.
_TYPES = {
    "conference": "inproceedings",
    "report": "techreport",
    "masterthesis": "mastersthesis",
    "collection": "book",
    "mvbook": "book",
    "mvcollection": "book",
    "reference": "book",
    "inreference": "incollection",
    "suppcollection": "incollection",
    "suppbook": "inbook",
    **dict.fromkeys(
        ("online", "electronic", "www", "webpage", "software", "dataset", "patent", "standard", "periodical"),
        "misc",
    ),
    **dict.fromkeys(
        ("video", "audio", "movie", "music", "image", "artwork", "letter", "legislation", "jurisdiction", "review"),
        "misc",
    ),
}
_STANDARD_TYPES = frozenset(
    ("article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual", "mastersthesis", "misc")
    + ("phdthesis", "proceedings", "techreport", "unpublished")
)
# biblatex's keys for the `type` of a thesis or report, which the styles would show as text.
_TYPE_KEYS = {"phdthesis": "", "techreport": "", "resreport": "Research report", "candthesis": "Candidate thesis"}
_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.|www\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# TeX escapes in URLs and DOIs: Mendeley writes {\_} and $\sim$, JabRef \_ and \~{}.
_URL_ESCAPE = re.compile(r"\{?\\([_%&#$])\}?|\$\\sim\$|\\textasciitilde(?:\{\})?|\{\\~\}|\\~(?:\{\})?")


def prepare(key: str, library: Library, problems: list[Problem]) -> Entry:
    """A copy of entry `key` in the shape pybtex's styles expect."""
    source = library.entries[key]
    entry = Entry(source.type, fields=source.fields, persons={r: list(p) for r, p in source.persons.items()})
    entry.key = key
    fields = entry.fields
    _inherit(entry, library, problems)
    # biblatex's names for BibTeX fields, as Zotero and JabRef write them in biblatex mode.
    for biblatex, bibtex in (("journaltitle", "journal"), ("location", "address")):
        if biblatex in fields and bibtex not in fields:
            fields[bibtex] = fields[biblatex]
    if "year" not in fields and re.match(r"\d{4}", fields.get("date", "")):
        fields["year"] = fields["date"][:4]
    for name in ("url", "doi", "eprint"):
        if name in fields:
            fields[name] = unescape_url(fields[name])
    if "doi" in fields:  # written as https://doi.org/10..., http://dx.doi.org/10... or doi:10...
        fields["doi"] = _DOI_PREFIX.sub("", fields["doi"])

    kind = entry.type
    if kind in ("thesis", "bachelorthesis"):
        kind = _thesis(entry)
    elif kind not in _STANDARD_TYPES:
        if kind not in _TYPES:
            display, line = library.where(key)
            problems.append(
                Problem(display, line, f"entry '{key}' has the unknown type '{kind}'; shown as misc", key=key)
            )
        kind = _TYPES.get(kind, "misc")
    shown = _TYPE_KEYS.get(fields.get("type", "").lower())
    if shown:
        fields["type"] = shown
    elif shown == "":
        del fields["type"]
    if kind in ("phdthesis", "mastersthesis") and "school" not in fields and "institution" in fields:
        fields["school"] = fields["institution"]  # biblatex calls a thesis' school its institution
    if kind == "misc" and entry.type != "misc":  # say where it appeared, which misc shows as howpublished
        where = next(
            (fields[n] for n in ("publisher", "organization", "institution", "journal", "booktitle") if n in fields),
            None,
        )
        if where and "howpublished" not in fields:
            fields["howpublished"] = where
    if kind == "misc" and "version" in fields:
        fields["howpublished"] = ", ".join(filter(None, [fields.get("howpublished"), f"version {fields['version']}"]))
    entry.type = kind
    return entry


def unescape_url(latex: str) -> str:
    return _URL_ESCAPE.sub(lambda match: match[1] or "~", latex)


def _thesis(entry: Entry) -> str:
    """@thesis (biblatex, Zotero) and @bachelorthesis as BibTeX's phdthesis or mastersthesis.

    The phdthesis template shows the `type` field in place of "PhD thesis", so a type that
    is text ("Bachelor's thesis", "Diplomarbeit") is kept; biblatex's keys are not (`_TYPE_KEYS`).
    """
    given = entry.fields.get("type", "").lower()
    if entry.type == "bachelorthesis":
        entry.fields.setdefault("type", "Bachelor's thesis")
    elif "master" in given or given in ("mathesis", "msc", "ma"):
        entry.fields.pop("type", None)
        return "mastersthesis"
    return "phdthesis"


def _inherit(entry: Entry, library: Library, problems: list[Problem]) -> None:
    """Copy the fields and names `entry` lacks from the entry its crossref names, as BibTeX does."""
    seen = {entry.key.lower()}
    target = entry.fields.get("crossref")
    while target:
        found = library.find(target)
        if found is None:
            display, line = library.where(entry.key)
            message = f"entry '{entry.key}' has crossref '{target}', which is not in {library.sources}"
            problems.append(Problem(display, line, message + "; nothing is inherited", key=entry.key))
            return
        if found.lower() in seen:  # a crossref loop
            return
        seen.add(found.lower())
        parent = library.entries[found]
        # biblatex's rule, which exports rely on: a proceedings' or book's title is the
        # booktitle of the paper or chapter inside it.
        inside = entry.type in ("inproceedings", "incollection", "inbook", "conference")
        if inside and "booktitle" not in entry.fields and "booktitle" not in parent.fields and "title" in parent.fields:
            entry.fields["booktitle"] = parent.fields["title"]
        for name, value in parent.fields.items():
            if name.lower() != "crossref" and name not in entry.fields:
                entry.fields[name] = value
        for role, people in parent.persons.items():
            if role not in entry.persons:
                entry.persons[role] = list(people)
        target = parent.fields.get("crossref")
