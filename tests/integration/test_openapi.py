"""The OpenAPI document (GET /v1/openapi.json) against the server it describes: schemathesis
generates requests for every operation from the document alone and sends them to a real
server (test_serve.py's uvicorn process over test_identity_views.py's store), with a key of
every role and with none. Every answer must be no 5xx, a status the document declares for the
operation, with the declared content type and a body its schema accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_identity_views import STATUS, _keys, _stored
from test_serve import serving

from fauxhire.domain.api_roles import ROLES

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
# Examples an operation and a credential: 6 operations x 7 credentials x 20 is 840 requests,
# valid and invalid, derandomized. 50 took 190 s of CI's 25 minutes on a 2-core machine,
# and found nothing the first 20 did not.
EXAMPLES = 20
# The test sends each credential itself, so schemathesis generates no Authorization header.
OUR_CREDENTIALS = SchemathesisConfig.from_dict({"generation": {"with-security-parameters": False}})
# The guards' rate limit would answer 429 (declared, but not what this test is about).
UNLIMITED = ("--rate", "100000", "--burst", "100000")


@pytest.mark.slow
def test_every_operation_conforms_to_the_document_for_every_role_and_none(
    tmp_path: Path,
) -> None:
    with serving(tmp_path, options=UNLIMITED) as server:
        _stored(server)
        keys = _keys(server)
        assert set(keys) == set(ROLES)
        assert server.get("/v1/openapi.json")[0] == 401
        status, document = server.get("/v1/openapi.json", keys["partner"])
        assert status == 200
        assert document == server.get("/v1/openapi.json", keys["admin"])[1]
        assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"

        schema = schemathesis.openapi.from_dict(document, config=OUR_CREDENTIALS)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert {operation.path for operation in operations} == set(STATUS)
        for token in (*keys.values(), None):
            headers = {} if token is None else {"Authorization": f"Bearer {token}"}
            for operation in operations:
                _conforms(operation, server.base, headers)
            # An id with a slash is a string the document allows, but matches no route.
            slashed = schema["/v1/identities/{identity_id}"]["GET"].Case(
                path_parameters={"identity_id": "a/b"}
            )
            slashed.call_and_validate(base_url=server.base, headers=headers, checks=CHECKS)


def _conforms(operation: Any, base_url: str, headers: dict[str, str]) -> None:
    # Valid requests, and requests the document says are invalid (which must get a 422).
    modes = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests each run: a failure here is one to reproduce
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(modes))
    def answered_as_documented(case: Any) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    answered_as_documented()


def test_a_rate_limited_answer_is_the_documented_429(tmp_path: Path) -> None:
    with serving(tmp_path, options=("--rate", "0.001", "--burst", "2")) as server:
        key = server.key("--role", "analyst")  # made by the command line: no request spent
        headers = {"Authorization": f"Bearer {key}"}
        status, document = server.get("/v1/openapi.json", key)  # the key's first request
        assert status == 200
        schema = schemathesis.openapi.from_dict(document, config=OUR_CREDENTIALS)
        for path in ("/v1/whoami", "/v1/identities/{identity_id}"):
            case = schema[path]["GET"].Case(path_parameters={"identity_id": "i-1"})
            replies = [
                case.call_and_validate(base_url=server.base, headers=headers, checks=CHECKS)
                for _ in range(2)
            ]
            assert 429 in [reply.status_code for reply in replies]
