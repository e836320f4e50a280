"""What callbacks need of a store."""

from __future__ import annotations

import abc

from servicedesk.app.pages import Lists
from servicedesk.app.repository import Repository
from servicedesk.domain.callbacks import Callback, CallbackPlan, Month
from servicedesk.i18n import N_


class CallbackRepository(Repository[Callback], Lists):
    kind, label = N_("callback"), N_("callback")

    @abc.abstractmethod
    def list_for_month(self, month: Month) -> list[Callback]:
        """The callbacks planned for ``month``, by id (indexed on the month)."""


class CallbackPlanRepository(Repository[CallbackPlan]):
    """One plan per month: the id is the month, so a second draw is refused by the key."""

    kind, label = N_("callback_plan"), N_("callback plan")
