"""`fauxhire --help` starts in under half a second (issue 17) because the command line imports
no data or database library until a command runs: the command modules import the services
inside their commands. A timing would pass or fail with the machine's load; which modules are
loaded is a fact, so that is what is checked, in a fresh interpreter as the script starts."""

from __future__ import annotations

import json
import subprocess
import sys

# What a command imports when it runs, and --help must not: data frames, arrays, the store's
# database library, the HTTP API's server.
HEAVY = ("polars", "numpy", "sqlalchemy", "fastapi", "uvicorn")

# Imports the command line, notes what is loaded, then asks every command and group of
# sub-commands (the lab's, found by entry points, too) for its help, and notes again.
PROBE = """
import json, sys
import typer.main
from fauxhire.cli import app

heavy = {heavy}
loaded = {{"import": [m for m in heavy if m in sys.modules]}}
root = typer.main.get_command(app)
asked = [[]] + [[name] for name in root.commands]
for name, command in root.commands.items():
    asked += [[name, sub] for sub in getattr(command, "commands", {{}})]
for args in asked:
    root.main([*args, "--help"], prog_name="fauxhire", standalone_mode=False)
loaded["help"] = [m for m in heavy if m in sys.modules]
loaded["asked"] = [" ".join(args) for args in asked]
print(json.dumps(loaded))
"""


def _probe() -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    return loaded


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    loaded = _probe()
    assert loaded["import"] == [], f"`import fauxhire.cli` loads {loaded['import']}"
    assert loaded["help"] == [], f"--help of a command loads {loaded['help']}"
    # The help of every command was asked for, the lab's and the groups' sub-commands too.
    assert {"ingest", "serve", "demo", "evaluate", "keys create", "show identity"} <= set(
        loaded["asked"]
    )
