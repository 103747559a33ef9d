"""Starts `fauxhire serve` processes by forking this one, which has imported fauxhire already
(support/kill.py's ``ForkingService``): a restart costs the store's opening, not the seconds of
imports, so fifty kills fit in a test.

It opens no store and starts no thread before it forks: each child begins as a cold start
would, opens the store, serves, and dies of its SIGKILL alone. Commands, one a line on stdin,
each answered with one line on stdout:

    start PORT DB LOG   fork a server on PORT over DB, its stderr appended to LOG: its pid
    poll PID            "running", or its exit status (negative: the signal that ended it)
    wait PID            its exit status, once it has ended
"""

from __future__ import annotations

import os
import sys
import traceback

import uvicorn

# What a server imports before it listens (cli/serve.py imports the API on use).
import fauxhire.api.app
import fauxhire.api.logs
import fauxhire.cli
import fauxhire.services.screen

PRELOADED = (fauxhire.api.app, fauxhire.api.logs, fauxhire.services.screen, uvicorn)


def main() -> None:
    ended: dict[int, int] = {}
    for line in sys.stdin:
        command, *args = line.split()
        if command == "start":
            answer = str(_fork_server(*args))
        elif command == "poll":
            answer = _poll(int(args[0]), ended)
        elif command == "wait":
            pid = int(args[0])
            if pid not in ended:
                ended[pid] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            answer = str(ended[pid])
        else:
            answer = f"unknown command {command!r}"
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()


def _poll(pid: int, ended: dict[int, int]) -> str:
    if pid not in ended:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            return "running"
        ended[pid] = os.waitstatus_to_exitcode(status)
    return str(ended[pid])


def _fork_server(port: str, db: str, log: str) -> int:
    pid = os.fork()
    if pid:
        return pid
    code: object = 1
    try:
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)  # the commands are the parent's to read
        os.dup2(null, 1)
        os.dup2(os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), 2)
        sys.argv = ["fauxhire", "serve", "--port", port, "--db", db]
        fauxhire.cli.main()
        code = 0
    except SystemExit as stopped:
        code = stopped.code
    except BaseException:
        traceback.print_exc()  # to the log
    finally:
        os._exit(code if isinstance(code, int) else 1)


if __name__ == "__main__":
    main()
