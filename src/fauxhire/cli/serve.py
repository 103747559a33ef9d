"""`fauxhire serve`: the HTTP API (fauxhire/api) on uvicorn, over the store --db names."""

from __future__ import annotations

import signal
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from fauxhire.cli.options import DbOption

if TYPE_CHECKING:
    from fauxhire.api.guards import Limits


RefreshEvery = Annotated[
    float | None,
    typer.Option(
        "--refresh-every",
        min=1,
        help="Link and assess the whole store every this many seconds, screens waiting "
        "meanwhile [never]. While a server screens into a store, refresh it this way, "
        "not with `fauxhire link` beside it.",
    ),
]


def serve(
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="The port.")] = 8000,
    log_level: Annotated[
        str,
        typer.Option(
            "--log-level",
            help="debug, info (a line a request), warning or error.",
            case_sensitive=False,
        ),
    ] = "info",
    db: DbOption = None,
    max_body: Annotated[
        int | None,
        typer.Option("--max-body", min=0, help="The largest request body in bytes [1 MiB]."),
    ] = None,
    rate: Annotated[
        float | None,
        typer.Option("--rate", min=0.001, help="Requests a second per key or address [20]."),
    ] = None,
    burst: Annotated[
        int | None, typer.Option("--burst", min=1, help="Requests at once above --rate [40].")
    ] = None,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option("--cors-origin", help="An origin browsers may call from (repeatable)."),
    ] = None,
    refresh_every: RefreshEvery = None,
) -> None:
    """Serve the HTTP API until stopped (Ctrl-C or SIGTERM finish the requests under way,
    then close the store). Logs are JSON lines on stderr. Every route but /v1/health and
    /v1/ready needs an API key (`fauxhire keys create`) as `Authorization: Bearer TOKEN`."""
    # Imported here, not at the top: every other command, and --help, would pay for them.
    import uvicorn

    from fauxhire.api.app import create_app
    from fauxhire.api.logs import log_config

    # uvicorn stops gracefully on SIGTERM or SIGINT, then raises the signal again once it has
    # put its own handlers back: with this one, a requested stop ends with status 0 (not killed
    # by a signal, not a KeyboardInterrupt's trace), and so does one before uvicorn listens.
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, _exit_cleanly)
    uvicorn.run(
        create_app(
            db, limits=_limits(max_body, rate, burst, cors_origin), refresh_every=refresh_every
        ),
        host=host,
        port=port,
        log_config=log_config(log_level),
        access_log=False,
    )


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _limits(
    max_body: int | None, rate: float | None, burst: int | None, origins: list[str] | None
) -> Limits:
    """The limits the options give, the defaults of ``Limits`` for those not given."""
    from fauxhire.api.guards import DEFAULT_LIMITS

    limits = DEFAULT_LIMITS._replace(cors_origins=tuple(origins or ()))
    if max_body is not None:
        limits = limits._replace(max_body=max_body)
    if rate is not None:
        limits = limits._replace(rate=rate)
    return limits if burst is None else limits._replace(burst=burst)
