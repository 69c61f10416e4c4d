"""What a remote cache's record must be before anything of its entry is trusted.

A record downloaded from the remote cache (`figures.remote`) is the one that entry's
computing build wrote. Before a single file of the entry is downloaded, `check_record`
makes sure that it is a record of this cache's format, for the kind and key asked for;
that the description it keeps (parameters, code, inputs, data, libraries) hashes to
that key (`figures.keys.key_of`), so it describes the computation asked for and no
other; and that every file it names has a digest and a size and stays inside the
entry's folder (a record naming ``../../.bashrc`` must not write there). What it cannot
check is that the files are what that computation makes: that is the trust model's
part (README, "The shared cache"): only trusted builds write.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any

from figures import keys
from figures.cache import FORMAT, RECORD

SHA256 = re.compile(r"[0-9a-f]{64}")


def check_record(raw: bytes, kind: str, key: str) -> tuple[dict[str, Any] | None, str]:
    """A remote record, if it is one for `key`: (record, "") or (None, what is wrong with it).

    Its description must hash to `key` (so it says what was computed, and it is what was
    asked for), and every file name must stay inside the entry's folder.
    """
    try:
        record = json.loads(raw)
    except ValueError:
        return None, "its record.json is not JSON"
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return None, "its record.json is of another format"
    if record.get("key") != key or record.get("kind") != kind:
        return None, "its record.json belongs to another entry"
    if keys.key_of({"step": kind, **{part: record.get(part) for part in keys.DESCRIBED}}) != key:
        return None, "its record.json describes another computation than its key"
    files = record.get("files")
    if not isinstance(files, dict) or not files:
        return None, "its record.json lists no files"
    for name, about in files.items():
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or "\\" in name or any(p in ("..", ".", "") for p in parts):
            return None, f"its record.json names a file outside the entry ({name!r})"
        if name == RECORD or not isinstance(about, dict) or not SHA256.fullmatch(str(about.get("sha256"))):
            return None, f"its record.json gives {name!r} no digest"
        if not isinstance(about.get("size"), int) or about["size"] < 0:
            return None, f"its record.json gives {name!r} no size"
    return record, ""
