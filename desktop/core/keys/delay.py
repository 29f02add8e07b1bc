"""Growing delays after wrong passphrases: guessing through the unlock dialog, the lock screen or the CLI
gets slower and slower (the key derivation's cost is the protection against a copied profile; this
keeps someone at the laptop from trying a list of guesses).

Three wrong tries are free (typing errors); after the fourth 1 s, then 2 s, 4 s, … up to a minute. The count
is kept in profile.json (a number and times, nothing personal) until the next successful unlock, so a new
process does not start from zero.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

FREE_TRIES = 3
LONGEST = 60.0
KEY = "failed_unlocks"


def delay_after(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` wrong ones in a row."""
    if failures <= FREE_TRIES:
        return 0.0
    return min(LONGEST, float(2 ** (failures - FREE_TRIES - 1)))


def remaining(profile: Path, now: dt.datetime | None = None) -> float:
    """Seconds until the profile may be tried again (0 when it may now)."""
    from desktop.core.store import meta

    failures, last = meta.event_count(profile, KEY)
    if last is None:
        return 0.0
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (last - now).total_seconds() + delay_after(failures))
