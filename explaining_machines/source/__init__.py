"""What authors wrote, read as the build will read it.

* `mdscan`: a Markdown page as Python-Markdown will read it: what is code, what is a
  ``{% tag %}``, what is literal (``{% raw %}``), and line numbers.
* `frontmatter`: a page's YAML front matter, its errors with their lines, a post's checks.

Imports nothing from MkDocs.
"""
