"""What the catalogue needs of a store."""

from __future__ import annotations

import abc

from servicedesk.app.repository import Repository
from servicedesk.domain.catalogue import ServiceItem


class ItemRepository(Repository[ServiceItem]):
    kind, label = "item", "service item"

    @abc.abstractmethod
    def list(self) -> list[ServiceItem]: ...
