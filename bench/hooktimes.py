"""Run ``mkdocs build`` in this process with every hook's events timed; print the times as JSON.

    python bench/hooktimes.py SITE_FOLDER

Used by ``bench/run.py`` for the time each hook spends per post. Each event function of
each hook listed in the site's ``hooks:`` is wrapped with a timer before the build; the
result is {hook file: seconds} over the whole build. Timing adds a few microseconds a
call, nothing a reader of the numbers would notice.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections import defaultdict


def main(site: str) -> None:
    os.chdir(site)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config("mkdocs.yml")
    spent: dict[str, float] = defaultdict(float)
    for methods in config.plugins.events.values():
        for i, method in enumerate(methods):
            module = getattr(method, "__module__", "")
            name = next((h for h in config.hooks if module in (h, os.path.splitext(os.path.basename(h))[0])), None)
            if name is None:
                continue

            @functools.wraps(method)
            def timed(*args, _method=method, _name=name, **kwargs):
                started = time.perf_counter()
                try:
                    return _method(*args, **kwargs)
                finally:
                    spent[_name] += time.perf_counter() - started

            methods[i] = timed
    # MathML is rendered inside Markdown's own pipeline, not in an event: time it there too.
    from explaining_machines.mathml import render as mathml  # where the Markdown extension calls it

    render_math = mathml.render_math

    def timed_math(page_html: str) -> str:
        started = time.perf_counter()
        try:
            return render_math(page_html)
        finally:
            spent["hooks/math_hook.py"] += time.perf_counter() - started

    mathml.render_math = timed_math
    config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does before it builds
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    print(json.dumps(dict(sorted(spent.items()))))


if __name__ == "__main__":
    main(sys.argv[1])
