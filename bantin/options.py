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

    @property
    def variants(self) -> int:
        """How many print files each issue gets besides its A4 PDF."""
        return sum((self.print_shop, self.booklet, self.archive))


# Print files are for the print shop and the archive, not for the public portal: they go to
# a folder of their own beside public/, kept by later builds.
PRINT_DIR = "in-an"


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    drafts: bool = False
    pdf: bool = True
    use_cache: bool = True
    workers: int | None = None  # default: one per core
    print_options: PdfOptions = field(default_factory=PdfOptions)
    print_dir: Path | None = None  # default: <root>/in-an

    @property
    def prints(self) -> Path:
        """Where the print files (print-shop, booklet, archive) go."""
        return (self.print_dir or self.root / PRINT_DIR).resolve()
