"""Data printed to a terminal is shown as written and never obeyed: escape sequences, bidi
overrides and rich markup in names are made visible, whatever renders them."""

from __future__ import annotations

import io
import logging

from rich.table import Table

from fauxhire.terminal import InertConsole, InertFormatter, cells, inert, styled

CLEAR_AND_TITLE = "\x1b[2J\x1b]0;pwned\x07Eve"


def _console() -> tuple[InertConsole, io.StringIO]:
    buffer = io.StringIO()
    # Not a terminal: rich writes no escape sequence of its own, so any in the output is data's.
    return InertConsole(file=buffer, force_terminal=False, width=200), buffer


def test_control_characters_are_shown_as_their_escapes() -> None:
    assert inert(CLEAR_AND_TITLE) == "\\x1b[2J\\x1b]0;pwned\\x07Eve"
    assert inert("a\u202eb\u2066c") == "a\\u202eb\\u2066c"  # bidi override and isolate
    assert inert("line\nforged\r") == "line\\x0aforged\\x0d"
    assert inert("line\nkept", keep_newlines=True) == "line\nkept"
    assert inert("\x9b31m") == "\\x9b31m"  # the one-byte CSI of C1


def test_names_of_the_world_stay_as_they_are() -> None:
    for name in ("Zoë Ødegård", "محمد", "李小龙", "👩\u200d💻 dev", "O'Brien-Smith [sr]"):
        assert inert(name) == name


def test_markup_emoji_and_escapes_in_printed_strings_are_inert() -> None:
    console, buffer = _console()
    console.print(f"name [/bold] :smile: [red]x[/red] {CLEAR_AND_TITLE}")
    printed = buffer.getvalue()
    assert "[/bold] :smile: [red]x[/red]" in printed
    assert "\x1b" not in printed and "\x07" not in printed
    assert "\\x1b[2J" in printed


def test_table_cells_and_titles_are_inert() -> None:
    console, buffer = _console()
    table = Table(title=f"identity [/bold]{CLEAR_AND_TITLE}")
    table.add_column("name")
    table.add_row(*cells(f"[/bold]{CLEAR_AND_TITLE}\nsecond line"))
    table.add_row(f"[red]plain str cell[/red]{CLEAR_AND_TITLE}")
    console.print(table)
    printed = buffer.getvalue()
    assert "\x1b" not in printed and "\x07" not in printed
    assert printed.count("[/bold]") == 2 and "[red]plain str cell[/red]" in printed
    assert "\\x0asecond line" in printed  # a cell's newline never forges a row


def test_styled_lines_keep_data_inert() -> None:
    console, buffer = _console()
    console.print(styled(("refused", "red"), " ", f"[/]{CLEAR_AND_TITLE}.json"))
    assert buffer.getvalue() == "refused [/]\\x1b[2J\\x1b]0;pwned\\x07Eve.json\n"


def test_log_messages_quoting_data_are_inert() -> None:
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "file %s", (CLEAR_AND_TITLE,), None
    )
    formatted = InertFormatter("%(message)s").format(record)
    assert formatted == "file \\x1b[2J\\x1b]0;pwned\\x07Eve"
