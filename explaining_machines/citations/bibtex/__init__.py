"""BibTeX files, read with pybtex and formatted into references.

* `reading`: a .bib file read whole, as BibTeX reads it (`load`, `Library`, `Problem`).
* `biblatex`: biblatex and reference-manager types and fields mapped onto BibTeX's.
* `latex`: LaTeX markup and math in fields, rendered.
* `style`: pybtex's styles extended (`format_references`).
* `labels`: names, author-year labels and the fields Google Scholar reads.

Imports nothing from MkDocs.
"""

from explaining_machines.citations.bibtex.reading import BibFile, BibliographyError, Library, Problem, load
from explaining_machines.citations.bibtex.style import format_references
from explaining_machines.settings import CITATION_LABELS as LABELS
from explaining_machines.settings import CITATION_STYLES as STYLES

__all__ = ["LABELS", "STYLES", "BibFile", "BibliographyError", "Library", "Problem", "format_references", "load"]
