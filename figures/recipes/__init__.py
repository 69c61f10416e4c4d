"""Figure recipes, one module each: ``load(inputs)``, ``draw(data, params, palette)``, ``alt(data, params)``.

A recipe gets arrays and parameters and returns a matplotlib Figure; it never
calls ``plt.show()`` and never closes the figure (``figures.render`` does).
"""
