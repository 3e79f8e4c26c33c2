"""The terminal side of every command: the one table printer, and refused stages' records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import files, terminal
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.terminal import print_alerts, print_table, run_stage


def test_a_table_with_headers_aligns_text_left_and_numbers_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    console = terminal.Console(width=60, record=True)
    monkeypatch.setattr(terminal, "console", console)

    print_table("scores", [("a [b]", "0.5"), ("c", "12.25")], ("name", "score"))

    lines = console.export_text().splitlines()
    assert lines[0].strip() == "scores"
    assert any(line.startswith("│ a [b] │   0.5 │") for line in lines), lines
    assert any(line.startswith("│ c     │ 12.25 │") for line in lines), lines


def test_a_summary_is_a_table_of_names_and_values(monkeypatch: pytest.MonkeyPatch) -> None:
    console = terminal.Console(width=60, record=True)
    monkeypatch.setattr(terminal, "console", console)

    print_table("clean", {"rows": 1000, "path": "data/x"}.items())

    text = console.export_text()
    assert "name" not in text
    assert "│ rows │ 1000   │" in text
    assert "│ path │ data/x │" in text


def test_alerts_go_to_stderr_and_warnings_to_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = terminal.Console(record=True), terminal.Console(record=True)
    monkeypatch.setattr(terminal, "console", out)
    monkeypatch.setattr(terminal, "err_console", err)

    print_alerts(["Data drift in [2] columns."], ["Score drift."])

    assert err.export_text() == "ALERT Data drift in [2] columns.\n"
    assert out.export_text() == "Warning: Score drift.\n"


def test_a_refused_stage_replaces_the_reports_it_did_not_rewrite(contract_dir: Path) -> None:
    old, rewritten = Path("reports/old.json"), Path("reports/rewritten.md")
    old.parent.mkdir()
    old.write_text('{"rows": 1000}')
    rewritten.write_text("last good run")

    def work() -> dict[str, object]:
        files.write_text(rewritten, "what this refused run found")  # as the stages write
        raise DataError("The data broke a rule.")

    with pytest.raises(DataError):
        run_stage("clean", work, [old, rewritten, Path("reports/never.json")])

    record = {"status": "failed", "stage": "clean", "error": "The data broke a rule."}
    assert json.loads(old.read_text()) == record
    assert json.loads(Path("reports/never.json").read_text()) == record
    assert rewritten.read_text() == "what this refused run found"


def test_a_stage_that_succeeds_keeps_its_reports(contract_dir: Path) -> None:
    report = Path("report.json")
    report.write_text('{"rows": 3}')

    run_stage("clean", lambda: {"rows": 3}, [report])

    assert report.read_text() == '{"rows": 3}'


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (
            FileExistsError(17, "File exists", "logs"),
            "Error: File exists: 'logs' (a file has the name of a folder the command needs: "
            "move it away).",
        ),
        (
            NotADirectoryError(20, "Not a directory", "reports/x.json"),
            "Error: Not a directory: 'reports/x.json' (a file stands where the path needs a "
            "folder: move it away).",
        ),
        (PermissionError(13, "Permission denied", "mlruns"), "Error: Permission denied: 'mlruns'."),
        (OSError(28, "No space left on device"), "Error: No space left on device."),
    ],
)
def test_a_refusal_of_the_disk_is_one_sentence_and_exit_1(error: OSError, sentence: str) -> None:
    app = typer.Typer(cls=terminal.FriendlyErrors)

    @app.command()
    def write() -> None:
        raise error

    @app.command()
    def other() -> None:  # two commands: `write` is then a subcommand, as in the real CLI
        """Nothing."""

    result = CliRunner().invoke(app, ["write"])

    assert result.exit_code == 1
    assert result.output.strip() == sentence
