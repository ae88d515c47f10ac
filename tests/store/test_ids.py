"""Record ids sort in creation order, so the lookup's tie-break puts the oldest record first."""

from __future__ import annotations

import time
import uuid

from app.store.ids import time_ordered_id


def test_ids_are_uuid7_and_sort_in_creation_order() -> None:
    earlier = [time_ordered_id() for _ in range(50)]
    time.sleep(0.002)
    later = time_ordered_id()
    assert all(uuid.UUID(i).version == 7 and uuid.UUID(i).variant == uuid.RFC_4122 for i in earlier)
    assert max(earlier) < later
    assert len(set(earlier)) == 50
