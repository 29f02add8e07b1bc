"""PDF output: worksheets, letters, checklists (reportlab) and official forms (pypdf).

reportlab's paragraph module compiles, when imported, a regular expression for URLs that takes 40–50 ms
(case-insensitive over most of Unicode), another for CJK text and one more of names unsafe to evaluate;
they serve only text we do not print (URLs to hyphenate, CJK line breaks) or nothing at all. They are
compiled when first used instead: a whole ``begleiter-cli render`` takes 0.4 s, of which this was a tenth.
"""

from __future__ import annotations

import re
import sys
from typing import Any

_compile = re.compile

#: (module, start of the pattern) of reportlab's regular expressions compiled when first used.
_DEFERRED = (
    ("reportlab.platypus.paragraph", "(^(?:[a-z0-9\\.\\-\\+]*)://)"),
    ("reportlab.lib.textsplit", "([\u2e80-\uffff])"),
    ("reportlab.lib.rl_safe_eval", "\\b(?:"),  # names unsafe to evaluate; reportlab itself never uses it
)


class _LazyPattern:
    """A regular expression compiled at its first use (its methods and attributes are the compiled one's)."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = _compile(*self._args)
        return getattr(compiled, name)


def _deferring_compile(pattern: Any, flags: int = 0) -> Any:
    module = sys._getframe(1).f_globals.get("__name__")
    if isinstance(pattern, str) and any(module == m and pattern.startswith(p) for m, p in _DEFERRED):
        return _LazyPattern(pattern, flags)
    return _compile(pattern, flags)


def _import_reportlab() -> None:
    """Import reportlab's layout package with the expressions above left for their first use (only calls
    from those two modules are deferred; every other caller gets ``re.compile`` as it is)."""
    if "reportlab.platypus" in sys.modules:
        return
    re.compile = _deferring_compile
    try:
        import reportlab.platypus  # noqa: F401
    finally:
        re.compile = _compile


_import_reportlab()
