"""pybtex's styles, extended: LaTeX rendered, "et al." for "and others", missing fields reported.

`format_references` formats the cited entries with one of pybtex's styles (``numbered``,
``unsrt``, ``plain``, ``alpha``) or author-year labels. A field the style needs and the
entry lacks is a `Problem`; the entry is shown without it, in its own layout. pybtex's
HTML backend escapes all text, and here link targets too: a title holding ``<script>``
stays text, and links are made for http(s) only.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import lru_cache

from pybtex.backends.html import Backend as HtmlBackend
from pybtex.database import Entry, Person
from pybtex.richtext import Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import unsrt
from pybtex.style.labels.alpha import LabelStyle as AlphaLabels
from pybtex.style.labels.number import LabelStyle as NumberLabels
from pybtex.style.names.plain import NameStyle as PlainNames
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitle
from pybtex.style.sorting.none import SortingStyle as NoSorting
from pybtex.style.template import FieldIsMissing, Node, join, node, optional, optional_field, sentence
from pybtex.style.template import field as pybtex_field

from explaining_machines.citations import Reference
from explaining_machines.citations.bibtex.biblatex import prepare
from explaining_machines.citations.bibtex.labels import TEXT, author_year_labels, is_others, plain, scholar_fields, who
from explaining_machines.citations.bibtex.latex import rich
from explaining_machines.citations.bibtex.reading import ROLES, Library, Problem

# Label and sorting style behind each style name; the templates are unsrt's for all four
# (pybtex's plain and alpha styles are unsrt with other defaults). "numbered" is BibTeX's
# unsrt: numbered in order of first citation. Classes, not names: given a name, pybtex finds
# a plugin by scanning every installed package's entry points, ~35 ms a lookup.
_PYBTEX_STYLE = {
    "numbered": (NumberLabels, NoSorting),
    "unsrt": (NumberLabels, NoSorting),
    "plain": (NumberLabels, AuthorYearTitle),
    "alpha": (AlphaLabels, AuthorYearTitle),
}


@node
def _field(children, context, name, apply_func=None, raw=False):
    """pybtex's `field`, with LaTeX markup and math rendered (`rich`) instead of shown as text."""
    if children:
        raise ValueError(children)
    entry = context["entry"]
    try:
        value = entry.fields[name]
    except KeyError:
        raise FieldIsMissing(name, entry) from None
    if not raw:
        value = rich(value, context["notes"])
    return apply_func(value) if apply_func else value


@node
def _names(children, context, role):
    """pybtex's `names`, ending a list that closes with "others" in "et al." as plain.bst does."""
    entry, style = context["entry"], context["style"]
    try:
        persons = entry.persons[role]
    except KeyError:
        raise FieldIsMissing(role, entry) from None
    others = bool(persons) and is_others(persons[-1])

    def name(person: Person) -> Text:
        try:
            return style.format_name(person, style.abbreviate_names).format_data(context)
        except UnicodeDecodeError:  # a stray backslash latexcodec cannot read: the name as written
            return Text(str(person))

    named = [name(person) for person in persons[: -1 if others else None]]
    if not others:
        return join(sep=", ", sep2=" and ", last_sep=", and ")[named].format_data(context)
    return Text(join(sep=", ")[named].format_data(context), ", et al." if len(named) > 1 else " et al.")


def _with_markup(part):
    """A copy of template `part` whose fields are read by `_field`."""
    if not isinstance(part, Node):
        return part
    if part.f is optional_field.f:  # builds pybtex's own field when formatting
        return optional[_field(*part.args, **part.kwargs)]
    copy = Node(part.name, _field.f if part.f is pybtex_field.f else part.f)
    copy.args = [_with_markup(arg) for arg in part.args]
    copy.kwargs = {name: _with_markup(value) for name, value in part.kwargs.items()}
    copy.children = [_with_markup(child) for child in part.children]
    return copy


class _Style(unsrt.Style):
    """pybtex's unsrt templates with LaTeX markup rendered, "et al." for "and others", and
    entries formatted without the fields they lack (`format`)."""

    def format_names(self, role, as_sentence=True):
        names = _names(role)
        return sentence[names] if as_sentence else names

    def format_editor(self, e, as_sentence=True):
        # No "editor" word after an empty list of editors (see `format`).
        if not e.persons.get("editor"):
            return self.format_names("editor", as_sentence=False)
        return super().format_editor(e, as_sentence)

    def format(self, label: str, entry: Entry) -> tuple[FormattedEntry, list[str], set[str]]:
        """Format `entry`; returns it, the fields the style needs that it lacks, and notes
        on math that could not be rendered.

        pybtex's templates say a field is required by raising FieldIsMissing where no
        `optional[...]` encloses it, and only the template knows which fields those are
        (`first_of` makes some required only if another is absent). So the entry is
        formatted again with each field reported missing present but empty: join and
        sentence drop empty parts, so the entry keeps its own layout with no stray
        separator, where a fallback template (misc) would drop journal, booktitle, pages.
        """
        missing: list[str] = []
        notes: set[str] = set()
        while True:
            template = _with_markup(getattr(self, f"get_{entry.type}_template")(entry))
            try:
                text = template.format_data({"entry": entry, "style": self, "bib_data": None, "notes": notes})
            except FieldIsMissing as error:
                if error.field_name in missing:  # filled already: would loop
                    raise
                missing.append(error.field_name)
                entry = _emptied(entry, error.field_name)
                continue
            return FormattedEntry(entry.key, text, label), missing, notes


def _emptied(entry: Entry, name: str) -> Entry:
    """A copy of `entry` whose field or names `name` are present and empty."""
    copy = Entry(entry.type, fields=entry.fields, persons=entry.persons)
    copy.key = entry.key
    if name in ROLES:
        copy.persons[name] = []
    else:
        copy.fields[name] = ""
    return copy


class _SafeHtmlBackend(HtmlBackend):
    """pybtex's HTML backend escapes text but not link targets; this one escapes both.

    A ``url`` or ``doi`` field holding ``"onmouseover=...`` would otherwise break out of
    the href attribute, and a ``javascript:`` URL would run when clicked: only http(s)
    links are made, anything else stays text.
    """

    @staticmethod
    def format_href(url: str, text: str, external: bool = False) -> str:
        if not re.match(r"https?://", url, re.IGNORECASE):
            return text
        return f'<a href="{html.escape(url, quote=True)}">{text}</a>'


_HTML = _SafeHtmlBackend()


@lru_cache(maxsize=8)
def _style(name: str) -> _Style:
    """One instance per style: they keep no state between bibliographies."""
    labels, sorting = _PYBTEX_STYLE[name]
    return _Style(label_style=labels, name_style=PlainNames, sorting_style=sorting)


def format_references(
    cited: Iterable[str], library: Library, *, style: str, author_year: bool
) -> tuple[dict[str, Reference], list[Problem]]:
    """Format the cited entries with pybtex; returns key -> Reference in list order, and problems.

    `cited` is in order of first citation; every key must be in `library`. Numbered styles
    label 1, 2, ...; ``alpha`` uses pybtex's labels; `author_year` labels "Molnar, 2020"
    and sorts by label. The problems are one per field an entry lacks and the style needs
    (the entry is shown without it), per crossref to no entry, per unknown type and per
    formula that cannot be rendered, each at the entry's line.
    """
    keys = list(dict.fromkeys(cited))
    problems: list[Problem] = []
    entries = {key: prepare(key, library, problems) for key in keys}
    names = {key: who(key, entries[key]) for key in keys}
    labels = author_year_labels(keys, entries, names) if author_year else {}
    pybtex_style = _style(style)
    ordered = pybtex_style.sort(list(entries.values()))
    refs = {}
    for label, entry in zip(pybtex_style.format_labels(ordered), ordered, strict=True):
        formatted, missing, notes = pybtex_style.format(label, entry)
        display, line = library.where(entry.key)
        for name in missing:
            if name == "editor" and not entry.persons.get("author"):
                name = "author' or 'editor"
            message = f"entry '{entry.key}' has no '{name}' field, which style '{style}' needs; shown without it"
            problems.append(Problem(display, line, message, key=entry.key))
        problems.extend(
            Problem(display, line, f"entry '{entry.key}': {note}; shown as TeX", key=entry.key)
            for note in sorted(notes)
        )
        refs[entry.key] = Reference(
            key=entry.key,
            label=labels.get(entry.key, formatted.label),
            html=formatted.text.render(_HTML).replace("\n", " "),
            text=formatted.text.render(TEXT),
            names=names[entry.key],
            year=plain(entry.fields.get("year", "n.d.")),
            scholar=scholar_fields(entry),
        )
    if author_year:
        refs = dict(sorted(refs.items(), key=lambda item: (item[1].label.casefold(), item[0])))
    return refs, problems
