"""Command line: ``python -m clustercore demo [--out DIR]`` and ``... config``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv=None) -> int:
    from ._demo import SECTIONS, default_out, demo

    parser = argparse.ArgumentParser(prog="python -m clustercore")
    sub = parser.add_subparsers(dest="command", required=True)
    p_demo = sub.add_parser("demo", help="chapter 9's clustering walk-through")
    p_demo.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for the results and pictures (default: a new one it names)",
    )
    p_demo.add_argument(
        "--only",
        choices=list(SECTIONS),
        action="append",
        help="run only this section (repeatable)",
    )
    sub.add_parser("config", help="print the build configuration")
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo(args.out if args.out is not None else default_out(), args.only)
    else:
        from . import show_config

        show_config()
    return 0


if __name__ == "__main__":
    sys.exit(main())
