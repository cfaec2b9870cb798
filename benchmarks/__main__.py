"""``python -m benchmarks [section ...]``: run the benchmarks and print their ratios side by side."""

import argparse
import sys

from . import checks, linear_algebra, loops, notebooks, setup
from .timing import report

SECTIONS = {"loops": loops, "linear-algebra": linear_algebra, "notebooks": notebooks, "setup": setup,
            "checks": checks}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sections", nargs="*", help=f"any of {', '.join(SECTIONS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.sections if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section {unknown[0]!r}: choose from {', '.join(SECTIONS)}")
    rows = []
    for name in args.sections or SECTIONS:
        print(f"== {name}", flush=True)
        rows.extend(SECTIONS[name].rows())
    print()
    met = report(rows)
    print("\nall targets met" if met else "\nsome targets missed (marked NO)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
