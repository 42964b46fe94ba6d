"""The command group: help, version, python -m, and staying fast (no pm4py unless needed)."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from pathways.cli import main
from tests.conftest import SAMPLE_CSV


def test_help_lists_the_commands():
    result = CliRunner().invoke(main, ["-h"])
    assert result.exit_code == 0
    for name in ("validate", "discover", "breaks", "measures", "report", "simulate"):
        assert f"  {name} " in result.stdout


def test_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(main, ["disover"])
    assert result.exit_code == 2
    assert "No such command 'disover'" in result.stderr


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "pathways", "--version"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("pathways, version ")


def imported_modules(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stderr.splitlines() if ln.startswith("MODULES "))
    return set(line.split()[1:])


def test_help_and_import_do_not_load_pm4py():
    assert "pm4py" not in imported_modules("import pathways")
    loaded = imported_modules(
        "from pathways.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    assert "pm4py" not in loaded


def test_validate_and_dfg_discovery_do_not_load_pm4py(tmp_path):
    out = tmp_path / "map.json"
    loaded = imported_modules(
        "from pathways.cli import main\n"
        f"for args in (['validate', {str(SAMPLE_CSV)!r}],\n"
        f"             ['discover', {str(SAMPLE_CSV)!r}, '-o', {str(out)!r}]):\n"
        "    try:\n        main(args)\n    except SystemExit as stop:\n"
        "        assert stop.code in (0, None), stop.code")
    assert "pm4py" not in loaded
    assert out.is_file()
