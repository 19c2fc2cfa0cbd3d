from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _gdpr_export_dir(settings: Any, tmp_path: Path) -> Path:
    """Export documents go to this test's own directory."""
    settings.GDPR_EXPORT_DIR = tmp_path / "gdpr-exports"
    return Path(settings.GDPR_EXPORT_DIR)
