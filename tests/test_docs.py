"""The generated documentation matches the code it is generated from."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_parameter_table_is_up_to_date():
    done = subprocess.run([sys.executable, str(ROOT / "docs" / "generate_parameters.py"), "--check"],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, (
        f"docs/parameters.md is stale: run `uv run python docs/generate_parameters.py`\n{done.stdout}{done.stderr}"
    )


def test_the_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "uv run liptako run baseline" in readme and "uv run pytest" in readme
