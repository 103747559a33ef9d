"""An identity-provider event joins the hire whose work email it signs in with (through hr/)."""

from __future__ import annotations

import polars as pl

# What the rule reads: the unjoined events and the hires with a work email.
EVENTS = {"event": pl.String, "company_id": pl.String, "user_key": pl.String}
HIRES = {"hire": pl.String, "company_id": pl.String, "work_email_key": pl.String}


def hires_of_signins(events: pl.DataFrame, hires: pl.DataFrame) -> pl.DataFrame:
    """``event``, ``hire``: each event (``EVENTS``) with the hire (``HIRES``) of its company
    whose work email is the account it signed in with; events that find none are left out.
    Of two hires of one company with one work email (a rehire), the smallest key, so every
    run and backend chooses the same."""
    return (
        events.drop_nulls("user_key")
        .join(
            hires.drop_nulls("work_email_key"),
            left_on=["company_id", "user_key"],
            right_on=["company_id", "work_email_key"],
        )
        .group_by("event")
        .agg(pl.col("hire").min())
        .sort("event")
    )
