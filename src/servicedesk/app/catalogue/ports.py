"""What the catalogue needs of a store."""

from __future__ import annotations

import abc

from servicedesk.app.repository import Repository
from servicedesk.domain.catalogue import ServiceItem
from servicedesk.i18n import N_


class ItemRepository(Repository[ServiceItem]):
    kind, label = N_("item"), N_("service item")

    @abc.abstractmethod
    def list(self) -> list[ServiceItem]: ...
