"""LaTeX in .bib fields as pybtex rich text: markup and math rendered, never shown as TeX.

pybtex decodes accents and keeps {braced} case but shows ``\\emph{}``, ``\\textbf{}``,
``\\url{}`` and ``$x^2$`` as written. `rich` reads those itself (`_LaTeX`) and leaves the
text between them to pybtex; math becomes MathML in HTML and stays TeX in plain text. TeX
that cannot be rendered, and commands no reader knows, are shown as written and noted,
so that the build can report them with the entry's line.
"""

from __future__ import annotations

import re

from pybtex.backends.html import Backend as HtmlBackend
from pybtex.richtext import BaseMultipartText, HRef, Protected, String, Tag, Text
from pybtex.scanner import PybtexSyntaxError

from explaining_machines.citations.bibtex.biblatex import unescape_url
from explaining_machines.mathml import MathError, to_mathml

_MARKUP = re.compile(
    r"\$|\\[{}]|\\(?:emph|textit|textsl|textbf|url|href|LaTeX|TeX|em|it|sl|bf|itshape|bfseries|mbox|hbox|text|textrm|"
    r"textsf|texttt|textsc|textup|textnormal|noop|textasciigrave|textquotesingle|textsubscript|textsuperscript)"
    r"(?![A-Za-z])"
)
# Commands whose argument is shown as it is (a box, a font family), and the empty \noop{}
# that reference managers use to sort ("{\noop{a}}Title"); a few symbols latexcodec lacks.
_PLAIN_ARGUMENT = frozenset(("mbox", "hbox", "text", "textrm", "textsf", "texttt", "textsc", "textup", "textnormal"))
_SYMBOLS = {"textasciigrave": "`", "textquotesingle": "'"}
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")
_TAGS = {"emph": "em", "textit": "i", "textsl": "i", "textbf": "b", "textsubscript": "sub", "textsuperscript": "sup"}
_SWITCHES = {"em": "em", "it": "i", "sl": "i", "itshape": "i", "bf": "b", "bfseries": "b"}
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.?)", re.DOTALL)
_SPECIAL = re.compile(r"[\\${}]")


class _Kept(Protected):
    """Text that case changes leave alone, as a {braced group}, but with no span of its own."""

    def render(self, backend) -> str:
        return BaseMultipartText.render(self, backend)


class _Math(Protected):
    """``$...$``: MathML in HTML, the TeX source in plain text; case changes leave it alone."""

    def render(self, backend) -> str:
        tex = str(self)
        if isinstance(backend, HtmlBackend):
            try:
                return to_mathml(tex, False)
            except MathError:  # reported when the field was read (`_LaTeX.math`)
                pass
        return backend.format_str(tex)


def rich(latex: str, notes: set[str] | None = None) -> Text:
    """A field's LaTeX as pybtex rich text, with markup and math rendered; never raises.

    TeX math that cannot be rendered is shown as its source and described in `notes`.
    """
    try:
        # pybtex's own reading decodes accents and keeps {braced} case; markup needs ours.
        text = Text(*_LaTeX(latex, notes).parse()) if _MARKUP.search(latex) else Text.from_latex(latex)
    except (PybtexSyntaxError, UnicodeDecodeError):  # unbalanced braces, a stray backslash: show it as written
        return Text(latex)
    if notes is not None and "\\" in latex:  # a command neither pybtex nor this reader knows shows as written
        notes.update(f"unknown LaTeX command {command}" for command in _UNKNOWN_COMMAND.findall(_outside_math(text)))
    return text


def _outside_math(text) -> str:
    """The characters of rich text outside its math, where a backslash is TeX left unread."""
    if isinstance(text, _Math):
        return ""
    if hasattr(text, "parts"):
        return "".join(_outside_math(part) for part in text.parts)
    return str(text)


class _LaTeX:
    """A reader for the markup and math found in .bib fields: ``\\emph{}``, ``\\textit{}``,
    ``\\textbf{}``, ``\\textsubscript{}``, ``\\textsuperscript{}``, ``{\\em ...}``, ``{\\it ...}``,
    ``\\url{}``, ``\\href{}{}``, ``\\LaTeX``, ``\\TeX`` and ``$...$``. The text between them is
    left to pybtex (`Text.from_latex`)."""

    def __init__(self, source: str, notes: set[str] | None) -> None:
        self.source = source
        self.pos = 0
        self.notes = notes

    def parse(self, in_group: bool = False) -> list:
        """The parts up to the end, or in a group up to its closing brace (not consumed)."""
        source, parts, plain = self.source, [], []

        def flush() -> None:
            if plain:
                latex = "".join(plain)
                # latexcodec drops leading white space, which here follows markup: keep one.
                parts.extend([" " if latex[0].isspace() else "", *Text.from_latex(latex).parts])
                plain.clear()

        while self.pos < len(source):
            char = source[self.pos]
            if char == "}" and in_group:
                break
            if char == "\\":
                command = _COMMAND.match(source, self.pos)[0]
                name = command[1:]
                self.pos += len(command)
                if name in _TAGS:
                    flush()
                    parts.append(Tag(_TAGS[name], _Kept(*self.argument())))
                elif name in _PLAIN_ARGUMENT:
                    flush()
                    parts.append(_Kept(*self.argument()))
                elif name == "noop":
                    self.raw_argument()  # a sort key only: shown as nothing
                elif name in _SYMBOLS:
                    flush()
                    if source.startswith("{}", self.pos):
                        self.pos += 2
                    parts.append(_Kept(_SYMBOLS[name]))
                elif name in ("url", "href"):
                    flush()
                    url = unescape_url(self.raw_argument())
                    text = self.argument() if name == "href" else [String(url)]
                    parts.append(HRef(url, _Kept(*text)))  # only http(s) becomes a link (`_SafeHtmlBackend`)
                elif name in ("LaTeX", "TeX"):
                    flush()
                    if source.startswith("{}", self.pos):
                        self.pos += 2
                    parts.append(_Kept(name))
                elif name in _SWITCHES:  # {\em text}: the rest of the group
                    flush()
                    self.skip_spaces()
                    parts.append(Tag(_SWITCHES[name], _Kept(*self.parse(in_group))))
                elif name == "$":  # latexcodec leaves \$ as it is
                    plain.append(name)
                elif name in ("{", "}"):  # a brace shown as such; pybtex would open or close a group
                    flush()
                    parts.append(_Kept(name))
                else:  # left to pybtex, with an accent's argument: \'{e}
                    plain.append(command)
                    if source.startswith("{", self.pos):
                        plain.append(self.raw_group())
            elif char == "$":
                math = self.math()
                if math is None:
                    plain.append(char)
                    self.pos += 1
                else:
                    flush()
                    parts.append(math)
            elif char == "{":
                start = self.pos
                group = self.raw_group()
                if _MARKUP.search(group):
                    flush()
                    self.pos = start + 1
                    parts.append(Protected(*self.parse(in_group=True)))
                    self.pos += 1
                else:
                    plain.append(group)
            else:
                following = _SPECIAL.search(source, self.pos + 1)
                end = following.start() if following else len(source)
                plain.append(source[self.pos : end])
                self.pos = end
        flush()
        return parts

    def skip_spaces(self) -> None:
        while self.source.startswith(" ", self.pos):
            self.pos += 1

    def raw_group(self) -> str:
        """The braced group at the position, braces included, as written (\\{ and \\} are no braces)."""
        source, depth, start = self.source, 0, self.pos
        end = start
        while end < len(source):
            if source[end] == "\\":
                end += 2
                continue
            depth += {"{": 1, "}": -1}.get(source[end], 0)
            end += 1
            if depth == 0:
                break
        self.pos = min(end, len(source))
        return source[start : self.pos]

    def raw_argument(self) -> str:
        self.skip_spaces()
        return self.raw_group()[1:-1] if self.source.startswith("{", self.pos) else ""

    def argument(self) -> list:
        self.skip_spaces()
        if not self.source.startswith("{", self.pos):
            return []
        self.pos += 1
        parts = self.parse(in_group=True)
        self.pos += 1
        return parts

    def math(self) -> Protected | None:
        """``$tex$`` or ``$$tex$$`` at the position, or None when it is a lone dollar sign."""
        source, start = self.source, self.pos
        delimiter = "$$" if source.startswith("$$", start) else "$"
        end = source.find(delimiter, start + len(delimiter))
        if end <= start + len(delimiter):
            return None
        tex = source[start + len(delimiter) : end]
        self.pos = end + len(delimiter)
        try:
            to_mathml(tex, False)
        except MathError as error:
            if self.notes is not None:
                self.notes.add(str(error))
            return _Kept(source[start : self.pos])
        return _Math(tex)
