"""The one error a build's pure modules raise for what the build cannot go on with."""


class SourceError(Exception):
    """A problem in a file authors wrote that the build cannot go on with; `str` is
    ``path:line: message`` (or ``path: message`` when no line applies). A hook turns it
    into its engine's build error."""
