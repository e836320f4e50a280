"""What enquiries need of a store."""

from __future__ import annotations

import abc
from datetime import datetime

from servicedesk.app.pages import Lists
from servicedesk.app.repository import Repository
from servicedesk.domain.enquiries import Enquiry
from servicedesk.i18n import N_


class EnquiryRepository(Repository[Enquiry], Lists):
    kind, label = N_("enquiry"), N_("enquiry")

    @abc.abstractmethod
    def list_overdue(self, now: datetime) -> list[Enquiry]:
        """Open enquiries whose answer was due before ``now``, first taken first.

        A database keeps ``Enquiry.open_due`` in an indexed column written on every save.
        """
