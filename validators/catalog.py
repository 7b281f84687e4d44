"""Imports every rule module, so each registers its rules; the order here is the order of the
校验规则 sheet and of the report's counts (so it is kept by hand, not sorted)."""

from __future__ import annotations

# isort: off
from taizhang.validators import (  # noqa: F401  (imported for their @rule registrations)
    required,
    choices,
    duplicates,
    unparsed,
    dates,
    units,
    results,
    reasons,
    formats,
    deadline_rules,
)
# isort: on
from taizhang.validators.registry import RULES

CODES: tuple[str, ...] = tuple(RULES)
