"""The satisfaction scale on which complainants and callbacks score the desk (rule
callbacks.quality-rates).

The scale is a policy (1-5 stars, 1-10, or 满意/基本满意/不满意 as 3-1); what counts as
"satisfied" for the satisfaction rate is part of it, so reports mean the same everywhere.
"""

from __future__ import annotations

import attrs

from servicedesk.domain.errors import InvalidValue, PolicyError
from servicedesk.i18n import _


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@attrs.frozen
class SatisfactionScale:
    """Scores from ``lowest`` to ``highest``; ``satisfied_from`` and above count as satisfied."""

    lowest: int = 1
    highest: int = 5
    satisfied_from: int = 4

    def __attrs_post_init__(self) -> None:
        numbers = (self.lowest, self.highest, self.satisfied_from)
        if not all(_whole(n) for n in numbers) or not (
            self.lowest <= self.satisfied_from <= self.highest and self.lowest < self.highest
        ):
            raise PolicyError(
                _(
                    "A satisfaction scale needs whole numbers lowest < highest, with "
                    "lowest <= satisfied_from <= highest."
                ),
                code="satisfaction.policy_unusable",
            )

    def check(self, score: object) -> int:
        """The score, if it is on the scale; a typed error otherwise."""
        if not _whole(score) or not self.lowest <= score <= self.highest:  # type: ignore[operator]
            raise InvalidValue(
                _(
                    "A satisfaction score must be a whole number from {low} to {high}, "
                    "not {score!r}."
                ),
                code="satisfaction.invalid",
                low=self.lowest,
                high=self.highest,
                score=score,
            )
        assert isinstance(score, int)
        return score

    def satisfied(self, score: int) -> bool:
        return score >= self.satisfied_from
