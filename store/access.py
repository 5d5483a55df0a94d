"""The one access rule: may this user see this record file?

Every logged-in user sees every unrestricted record file (record keepers answer requests for
files of neighbouring tehsils too); a file whose record type its district marks restricted is
visible only inside the user's scope (`User.in_scope`). The rule takes anything that says where a
file belongs: a catalog row (`store.catalog.CatalogedFile`) or an archived `RecordFile`.
"""

from __future__ import annotations

from typing import Protocol

from domain.config import Settings
from store.users import User


class Filed(Protocol):
    """Where a record file belongs and what kind of record it is."""

    @property
    def district(self) -> str: ...

    @property
    def tehsil(self) -> str: ...

    @property
    def record_type(self) -> str | None: ...


def is_restricted(record: Filed, settings: Settings) -> bool:
    """Whether the file's district marks its record type restricted."""
    return record.record_type is not None and record.record_type in settings.district(record.district).restricted_record_types


def may_see(user: User, record: Filed, settings: Settings) -> bool:
    """Unrestricted files are visible to every user; restricted ones only inside the user's scope."""
    return not is_restricted(record, settings) or user.in_scope(record.district, record.tehsil)
