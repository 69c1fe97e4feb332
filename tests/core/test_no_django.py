"""samordna.core is pure Python: importable and testable without Django."""

import os
import subprocess
import sys
from pathlib import Path

import samordna.core

MODULES = ["identity", "calendar", "rules", "deadlines"]


def test_core_does_not_import_django() -> None:
    # A fresh interpreter: in this one pytest-django may already have imported Django.
    src = str(Path(samordna.core.__file__).parents[2])
    code = "\n".join(
        [
            "import sys",
            *(f"import samordna.core.{name}" for name in MODULES),
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))",
        ]
    )
    env = {**os.environ, "PYTHONPATH": src}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
