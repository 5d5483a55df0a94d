"""The one access rule: unrestricted files for every user, restricted ones only inside the scope,
decided the same for a catalog row (on either engine) and for an archived record."""

from __future__ import annotations

import pytest

from domain.config import District, Settings, Tehsil
from domain.model import PageRecord, RecordFile
from store.access import is_restricted, may_see
from store.catalog import Catalog, CatalogedFile
from store.users import User

SETTINGS = Settings(districts={
    "anantnag": District(name="anantnag", restricted_record_types=["court-case"],
                         tehsils=[Tehsil(name="kokernag"), Tehsil(name="bijbehara")]),
    "kulgam": District(name="kulgam"),
})
KEEPER = User("amina", "keeper", ("anantnag",), ("anantnag/kokernag",))
DC = User("tariq", "dc", ("anantnag",))
OTHER_DC = User("bilal", "dc", ("kulgam",))
ADMIN = User("root", "admin")


def record(tehsil: str, record_type: str | None, district: str = "anantnag") -> RecordFile:
    number = f"REV/{tehsil}/1987/{record_type or 'none'}"
    return RecordFile(file_id=number.replace("/", "_"), file_number=number, file_number_raw=number,
                      file_number_source="barcode", district=district, tehsil=tehsil, batch="2026-11-20", stack="a.tif",
                      pages=[PageRecord(1, "a.tif", 1)], record_type=record_type, processed_at="2026-11-21T02:00:00")


def cataloged(tmp_path, archived: RecordFile) -> CatalogedFile:
    catalog = Catalog.open(tmp_path)
    try:
        catalog.record_done(archived, f"archive/{archived.file_id}")
        row = catalog.record_file(archived.file_id)
    finally:
        catalog.close()
    assert row is not None
    return row


@pytest.mark.parametrize(("user", "tehsil", "record_type", "visible"), [
    (KEEPER, "bijbehara", "mutation", True),  # unrestricted: every user, any tehsil
    (OTHER_DC, "kokernag", None, True),  # no record type: unrestricted
    (KEEPER, "kokernag", "court-case", True),  # restricted, inside the keeper's tehsil
    (KEEPER, "bijbehara", "court-case", False),  # restricted, a neighbouring tehsil
    (DC, "bijbehara", "court-case", True),  # restricted, inside the DC's district
    (OTHER_DC, "kokernag", "court-case", False),  # restricted, another district
    (ADMIN, "kokernag", "court-case", True),
])
def test_restricted_files_are_visible_only_inside_the_scope(tmp_path, store_engine, user, tehsil, record_type, visible):
    # GIVEN the same file as the archive holds it and as the catalog lists it
    archived = record(tehsil, record_type)
    row = cataloged(tmp_path, archived)
    # THEN the rule answers the same for both
    assert may_see(user, archived, SETTINGS) is visible
    assert may_see(user, row, SETTINGS) is visible


def test_restricted_types_are_the_districts_own(tmp_path, store_engine):
    assert is_restricted(record("kokernag", "court-case"), SETTINGS)
    assert is_restricted(cataloged(tmp_path, record("kokernag", "court-case")), SETTINGS)
    assert not is_restricted(record("kokernag", "mutation"), SETTINGS)
    assert not is_restricted(record("kokernag", None), SETTINGS)
    # another district does not restrict court cases, nor does one missing from the configs
    assert not is_restricted(record("kulgam", "court-case", district="kulgam"), SETTINGS)
    assert not is_restricted(record("pahalgam", "court-case", district="unknown"), SETTINGS)
