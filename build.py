#!/usr/bin/env python3
"""Thin entry point: `python build.py [lệnh] [tùy chọn]` is the same as `bantin [lệnh] …`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bantin.cli import console_main

if __name__ == "__main__":
    console_main()
