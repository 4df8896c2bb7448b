"""The installed package carries the default theme (layouts/ and assets/)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import REPO


def test_wheel_ships_the_default_theme_and_builds_from_it(site: Path, tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
                    str(REPO)], check=True, capture_output=True, timeout=300)
    [wheel] = wheels.glob("bantin-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("base.html", "index.html", "issue.html", "article.html", "list.html"):
        assert f"bantin/layouts/{name}" in names
    assert "bantin/assets/site.css" in names
    installed = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(installed)
    # Run the unpacked package from elsewhere: the theme must come from inside it.
    env = {**os.environ, "PYTHONPATH": str(installed)}
    result = subprocess.run(
        [sys.executable, "-c", "import bantin.theme as t, sys; print(t.default_dir('layouts'));"
         "from bantin.cli import main; sys.exit(main(sys.argv[1:]))",
         "build", "--root", str(site), "--no-pdf"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(installed / "bantin" / "layouts"))
    assert (site / "public/2026/18/index.html").is_file()
