"""The site logic that is not figures: citations, math, computed tags, page checks.

Plain Python: nothing here imports MkDocs (`tests/test_layers.py` checks it), so that the
hooks in ``hooks/`` are the only code that knows the engine. Grouped by concern:

* `source`: what authors wrote, read as Python-Markdown will (code, tags, front matter);
* `citations`: citation syntax and rendering, .bib files (`citations.bibtex`),
  cross-references, one build's scholarly apparatus, "Cite this post", the References page;
* `computed`: the ``{% figure %}`` and ``{% value %}`` tags and the entries behind them;
* `mathml`: TeX to MathML at build time, and (`mathml.font`) the math font the site serves;
* `pages`: URLs, ids, head tags and feeds of finished pages;
* `checks`: the one HTML pass over finished pages, the Content-Security-Policy, the link check;
* `views`: the interactive figures in the browser: the vendored Vega scripts, checked
  against their manifest, and the script that embeds each view.

At the top, the foundation every part uses: `settings` (the one schema of
``extra.project``), `arguments` (``"name" key=value`` with YAML flow values), `errors`
(the located error, its converter, one did-you-mean) and `files` (atomic writes, file
digests, installed versions). The foundation imports nothing of the project; `figures` imports only it, and
`computed` imports `figures`, so the import graph has no cycle.
"""
