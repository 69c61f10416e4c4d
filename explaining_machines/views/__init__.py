"""Interactive views in the pages: the vendored Vega scripts (`assets`) and the script that embeds them.

``figure-views.js`` embeds each figure's Vega-Lite view (written by the figures'
recipes, `figures.views`) with vega-embed under the site's hash-based policy: Vega's
expressions run in vega-interpreter (``ast: true``), vega-embed adds no style
(``defaultStyle: false``; its rules are in ``docs/stylesheets/site.css``), and the view
follows Material's palette switch. Imports nothing from MkDocs.
"""
