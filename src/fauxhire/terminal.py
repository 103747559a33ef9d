"""What the command line prints, made inert: data is shown as written, never obeyed.

Names, job titles, file names, ids and quarantine reasons come from files that strangers
write. Printed raw, an escape sequence in a name clears the screen or sets the window title,
a right-to-left override reorders what follows it, and rich markup in a name ("[/bold]") is
read as markup: a file name shown as another name, or a MarkupError traceback.

So there is one rule, applied in one place: every console of the CLI is an ``InertConsole``
(no markup, emoji codes or highlighting in anything it is given as a string, and every such
string made ``inert`` before it is rendered); table cells and the parts of our own styled
lines are rich ``Text`` built through ``inert`` (``cells``, ``styled``); log messages go
through ``InertFormatter``. Our own styling is built from parts, never by markup in a string.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rich.console import Console
from rich.text import Text

# C0 and C1 controls and DEL (ESC starts every terminal escape sequence; CR rewrites a line),
# the Unicode line and paragraph separators, and the bidirectional overrides and isolates that
# reorder what a terminal shows ("Trojan Source"). Joiners and soft hyphens stay: real names
# use them.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_BUT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(value: object, *, keep_newlines: bool = False) -> str:
    """``value`` as text a terminal shows and never obeys: each control character written as
    its escape (ESC as ``\\x1b``), so the reader sees that it is there. A newline is escaped
    too unless ``keep_newlines``: one record's value never forges a line of output."""
    text = "" if value is None else str(value)
    return (_UNSAFE_BUT_NEWLINE if keep_newlines else _UNSAFE).sub(_visible, text)


def cells(*values: object) -> list[Text]:
    """Table cells: each value inert, as plain text."""
    return [Text(inert(value)) for value in values]


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of our own with styled parts: ``styled(("refused", "red"), " ", name)``. Every
    part is made inert, so data may be any part."""
    return Text.assemble(
        *((inert(part[0]), part[1]) if isinstance(part, tuple) else inert(part) for part in parts)
    )


class InertConsole(Console):
    """A rich console that shows strings as written: markup, emoji codes (":smile:") and
    highlighting are off unless a call asks, and control characters are made visible."""

    def __init__(self, **options: Any) -> None:
        options = {"markup": False, "emoji": False, "highlight": False} | options
        super().__init__(**options)

    def render_str(self, text: str, **options: Any) -> Text:
        # Every string printed, and every string cell or title of a table, passes here. Our
        # own multi-line messages keep their newlines; data in tables comes through `cells`.
        return super().render_str(inert(text, keep_newlines=True), **options)


class InertFormatter(logging.Formatter):
    """Log messages made inert: a file name or value quoted in a log line cannot forge a line
    or send an escape sequence. A traceback, which is ours, keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return inert(super().formatMessage(record))
