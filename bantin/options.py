"""What a build is asked to do (kept apart from the pipeline: the no-change check reads
these without importing it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class PdfOptions:
    """What to write besides the A4 file, and how to treat photos."""

    print_shop: bool = False  # extra file with 3 mm bleed and crop marks
    booklet: bool = False  # extra A3-landscape file imposed for saddle stitching
    archive: bool = False  # extra PDF/A-3b file for long-term keeping
    dpi: int = 300  # photos above this resolution are downsampled
    jpeg_quality: int = 85



@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    drafts: bool = False
    pdf: bool = True
    use_cache: bool = True
    workers: int | None = None  # default: one per core
    print_options: PdfOptions = field(default_factory=PdfOptions)
