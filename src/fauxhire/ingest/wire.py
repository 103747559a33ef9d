"""Pydantic building blocks for validating wire formats and quarantining what fails."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Any, TypeVar, cast, get_args

import orjson
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError

from fauxhire.ingest.base import Quarantined, SourceFile
from fauxhire.ingest.reading import excerpt
from fauxhire.ingest.sniff import require


def _utc(value: datetime) -> datetime:
    """A timestamp without a zone is UTC (docs/formats.md, common rules); all are stored in UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _epoch_ms(value: Any) -> Any:
    """Lever sends epoch milliseconds; everyone else ISO 8601."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return value


def _blank_is_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _id_text(value: Any) -> Any:
    """Vendors send ids as numbers or strings; we keep every id as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
EpochOrIsoDatetime = Annotated[datetime, BeforeValidator(_epoch_ms), AfterValidator(_utc)]
OptionalDate = Annotated[date | None, BeforeValidator(_blank_is_none)]
NonEmptyStr = Annotated[str, AfterValidator(lambda s: _non_empty(s))]
IdText = Annotated[NonEmptyStr, BeforeValidator(_id_text)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_is_none)]  # "" and "  " are None
OptionalUtcDatetime = Annotated[UtcDatetime | None, BeforeValidator(_blank_is_none)]


def _non_empty(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


class Wire(BaseModel):
    """A wire-format record: unknown fields are kept (``extra="allow"``), not dropped."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    def unknown_fields(self) -> dict[str, Any]:
        return dict(self.__pydantic_extra__ or {})


class Labelled(Wire):
    """A ``{"value": ..., "type": ...}`` item, as Greenhouse and Lever write emails, phones,
    addresses and links."""

    value: str | None = None
    type: str | None = None


def as_json(record: Any) -> str:
    """A parsed record as JSON, for its excerpt: what an analyst can paste back into the source
    (a Python repr, with its single quotes and None, was neither the source's text nor JSON)."""
    return orjson.dumps(record, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def quarantine_validation(
    exc: ValidationError, source: SourceFile, location: str, raw: Any
) -> Quarantined:
    """The first validation error as a quarantine item, naming the field and the reason."""
    first = exc.errors(include_url=False)[0]
    field = ".".join(str(p) for p in first["loc"])
    reason = first["msg"]
    if first["type"] == "json_invalid":  # a raw JSON line that pydantic parsed itself
        text = str(first.get("ctx", {}).get("error", reason))
        bad_text = "unicode" in text or "utf-8" in text.lower()
        reason = "invalid UTF-8" if bad_text else f"invalid JSON line: {text}"
        raw_text = raw if isinstance(raw, str | bytes) else as_json(raw)
        return Quarantined(source.display, location, "", reason, "invalid_json", excerpt(raw_text))
    if first["type"] == "missing":
        reason = "required field is missing"
    if len(exc.errors()) > 1:
        reason = f"{reason} (and {len(exc.errors()) - 1} more problems)"
    raw_text = raw if isinstance(raw, str | bytes) else as_json(raw)
    return Quarantined(source.display, location, field, reason, first["type"], excerpt(raw_text))


def unknown_tree(model: BaseModel) -> dict[str, Any]:
    """The fields a wire model did not declare, at every depth, so ``extra`` loses nothing.

    ``{"client": {"zone": "null"}}`` keeps an undeclared field of a declared nested object;
    lists of nested objects keep one dict per item (empty where the item had nothing extra).
    """
    extra = model.__pydantic_extra__
    out: dict[str, Any] = dict(extra) if extra else {}
    for name in _nested_fields(type(model)):
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            if inner := unknown_tree(value):
                out[name] = inner
        elif isinstance(value, list) and value:
            inners = [unknown_tree(v) if isinstance(v, BaseModel) else {} for v in value]
            if any(inners):
                out[name] = inners
    return out


@cache
def _nested_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The declared fields that can hold a nested model: the only ones with more to find."""
    return tuple(
        name for name, info in model.model_fields.items() if _may_hold_model(info.annotation)
    )


def _may_hold_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_may_hold_model(arg) for arg in get_args(annotation))


M = TypeVar("M", bound=BaseModel)


def child_location(location: str, pointer: str) -> str:
    """A JSON pointer below an item's location ("/0/applications/1", "line 3, /applications/1")."""
    if location.startswith("line"):
        return f"{location}, /{pointer}"
    return f"{location.rstrip('/')}/{pointer}"


def iter_children(location: str, name: str, raws: Iterable[Any]) -> Iterator[tuple[str, Any]]:
    """The items of a nested list, each at its own location, ready for ``iter_valid``."""
    for index, raw in enumerate(raws):
        yield child_location(location, f"{name}/{index}"), raw


def iter_valid(
    items: Iterable[tuple[str, Any] | Quarantined],
    model: type[M] | Callable[[Any], type[M]],
    source: SourceFile,
    *,
    fmt: str | None = None,
    expect: str = "",
) -> Iterator[tuple[str, M] | Quarantined]:
    """Each ``(location, raw)`` item validated as ``model``; what fails is quarantined with its
    field and reason, and the rest go on. With ``fmt``, a first item that plainly belongs to
    another format refuses the whole file (see ``sniff.require``). Raw bytes (JSON lines read
    unparsed) go straight to pydantic's own JSON parser. A format of several record kinds
    (a candidate or an application) gives ``model`` as a function choosing one per raw item."""
    checked = fmt is None
    for item in items:
        if isinstance(item, Quarantined):
            yield item
            continue
        location, raw = item
        if not checked:
            require(raw, fmt or "", source, expect)
            checked = True
        kind = cast("type[M]", model if isinstance(model, type) else model(raw))
        try:
            if isinstance(raw, bytes):
                row = kind.model_validate_json(raw)
            else:
                row = kind.model_validate(raw)
        except ValidationError as exc:
            yield quarantine_validation(exc, source, location, raw)
            continue
        yield location, row
