"""Finished pages as readers and other sites see them.

* `urls`: root-absolute paths made relative to the page, so the site works under a sub-path.
* `ids`: unique ids on pages that show several posts' excerpts.
* `head`: Open Graph and Twitter tags for link previews.
* `feeds`: the RSS and JSON feeds, with titles and tags as plain text.

Imports nothing from MkDocs.
"""
