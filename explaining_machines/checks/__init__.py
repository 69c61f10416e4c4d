"""Checks of the built site: the one HTML pass, the Content-Security-Policy, the link check.

* `htmlpass`: one parse of each finished page for every reader below.
* `csp`: the policy each page carries, and the inline code it would stop.
* `linkcheck`, `linktrace`: local links that point at nothing, and where authors wrote them.
* `pagereads`: what reading a page found, kept between builds by the page's digest.
* `notebook_cache`: mkdocs-jupyter's render cache, trusted only as the last build left it.

Imports nothing from MkDocs.
"""
