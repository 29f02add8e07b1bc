"""`python -m tests.benchmarks [--quick] [--json FILE] [-k EXPR]`: every benchmark, then one table.

The exit status is pytest's: 0 when every budget holds, 1 when one is missed (a benchmark fails only then).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions on a 10,000-person profile")
    parser.add_argument("--json", metavar="FILE", help="also write the figures and the machine to FILE")
    parser.add_argument("-k", metavar="EXPR", help="only the benchmarks whose name matches (pytest -k)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.quick:
        os.environ["BENCH_QUICK"] = "1"
    if args.json:
        os.environ["BENCH_JSON"] = str(Path(args.json).resolve())
    import pytest

    here = Path(__file__).resolve().parent
    pytest_args = [str(here), "-q", "-p", "no:cacheprovider", "-o", "addopts=", "--strict-markers"]
    if args.k:
        pytest_args += ["-k", args.k]
    return int(pytest.main(pytest_args))


if __name__ == "__main__":
    sys.exit(main())
