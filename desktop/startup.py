"""The cyclic garbage collector while a program of Begleiter starts.

Imports create hundreds of thousands of objects – modules, classes, functions – that live as long as the
process. Each collection pass visits them again, and a start makes several: some 50 ms before the window is
first painted, a tenth of a command-line render. So the entry points (desktop.__main__) start with the
collector paused, and once start-up is over ``collect_again`` moves everything made so far into the
permanent generation (never traversed again, gc.freeze) and lets collection resume for what comes after.
"""

from __future__ import annotations

import gc


def pause_collection() -> None:
    """At the very start of an entry point."""
    gc.disable()


def collect_again() -> None:
    """Start-up is over: the GUI calls it where the unlock (or welcome) dialog waits for the user, the
    command line before its command runs. Once: a later call would freeze what was made since, whose
    cycles would then never be collected."""
    gc.freeze()
    gc.enable()
