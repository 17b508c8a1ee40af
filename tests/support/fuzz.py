"""Drive schemathesis over every operation of a service's OpenAPI, as a plain test.

(Its pytest plugin does not run under pytest 9 yet; the strategies it builds do.)
Bounded three ways: ``examples`` per operation, a hypothesis ``deadline`` per
example, and ``budget`` seconds shared out between the operations (past its
share an operation stops sending, once it has sent a few).
"""

from __future__ import annotations

import time
from datetime import timedelta

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

AT_LEAST = 3  # cases every operation gets, whatever the budget


def fuzz_every_operation(
    app,
    check,
    *,
    examples: int = 15,
    deadline: timedelta | None = timedelta(seconds=5),
    budget: float = 40.0,
) -> dict[str, int]:
    """Run ``check(case)`` on generated cases (invalid and valid) of each operation;
    returns how many each operation got."""
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    share = budget / len(operations)
    return {
        operation.label: _fuzz(operation, check, examples, deadline, time.monotonic() + share)
        for operation in operations
    }


def _fuzz(operation, check, examples: int, deadline, until: float) -> int:
    sent = 0
    strategy = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE) | (
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    )

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=deadline,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        nonlocal sent
        if time.monotonic() > until and sent >= AT_LEAST:
            return  # this operation's share of the budget is spent
        sent += 1
        check(case)

    run()
    return sent
