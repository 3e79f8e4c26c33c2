"""The tutorial, run as a learner would: a fresh default bake, then every ```bash block in order.

TUTORIAL.md comes first, then the chapters of docs/tutorial/ in file-name order. Each block runs
exactly as written, with `bash -eo pipefail`, in the project's folder; each chapter is one test
that runs its blocks, then checks the key values its text promises the learner. A block that
must not run here (a server left in the foreground) follows a comment

    <!-- not run by the tests: <why>; tested twin: <test name> -->

and its twin, a test that runs the same command in the background, must exist.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import PROJECT_TEMPLATE, TEMPLATE, run

pytestmark = pytest.mark.slow

CHAPTERS = sorted(path.name for path in (PROJECT_TEMPLATE / "docs/tutorial").glob("*.md"))
FILES = ["TUTORIAL.md", *(f"docs/tutorial/{name}" for name in CHAPTERS)]
BLOCK = re.compile(
    r"(?:<!-- not run by the tests: (?P<why>[^;]+); tested twin: (?P<twin>\w+) -->\n)?"
    r"```bash\n(?P<code>.*?)```",
    flags=re.DOTALL,
)


@dataclass(frozen=True)
class Block:
    """One ```bash block of the tutorial; `twin` names the test that runs it, if it is left out."""

    code: str
    twin: str | None


def blocks(text: str) -> list[Block]:
    """The ```bash blocks of a markdown text, in order."""
    return [Block(m["code"], m["twin"]) for m in BLOCK.finditer(text)]


@pytest.fixture(scope="module")
def project(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh bake with the default answers, as a user makes it; nothing installed or run yet."""
    root = tmp_path_factory.mktemp("tutorial")
    command = f"{sys.executable} -m cookiecutter --no-input --output-dir {root} {TEMPLATE}"
    run(command, root, env)
    return root / "customer-churn"


def test_the_index_links_every_chapter_and_every_link_resolves(project: Path) -> None:
    index = (project / "TUTORIAL.md").read_text(encoding="utf-8")
    chapters = sorted(path.name for path in (project / "docs/tutorial").glob("*.md"))

    assert chapters == CHAPTERS
    for name in chapters:
        assert f"(docs/tutorial/{name})" in index, f"TUTORIAL.md does not link {name}"
    for relative in FILES:
        page = project / relative
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{relative} links to a missing {target}"


def test_every_block_left_out_has_a_tested_twin(project: Path) -> None:
    sources = {
        path: path.read_text(encoding="utf-8")
        for path in [*TEMPLATE.glob("tests/*.py"), *project.glob("tests/**/*.py")]
    }
    left_out = [
        block
        for relative in FILES
        for block in blocks((project / relative).read_text(encoding="utf-8"))
        if block.twin
    ]

    assert left_out, "the tutorial starts servers in the foreground: they need markers"
    for block in left_out:
        twins = [text for text in sources.values() if f"def {block.twin}(" in text]
        assert twins, f"the twin {block.twin} of `{block.code.strip()}` does not exist"
        # The twin runs the same command: its make target or CLI command appears in the test.
        words = block.code.split("#")[0].split()
        command = words[1] if words[0] == "make" else " ".join(words[2:4])
        twin = twins[0].split(f"def {block.twin}(")[1].split("\ndef ")[0]
        assert command in twin or command in twins[0], f"{block.twin} does not run {command}"


def read_json(project: Path, relative: str) -> dict:
    """A JSON file of the project."""
    return json.loads((project / relative).read_text(encoding="utf-8"))


def served_rows(database: Path) -> int:
    """The predictions a prediction log holds."""
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM predictions").fetchone()[0]


# What each page promises the learner, checked on the output of its blocks.
def check_index(project: Path, output: str) -> None:
    assert output == "", "TUTORIAL.md runs nothing: the set-up is chapter 01"


def check_setup(project: Path, output: str) -> None:
    assert (project / "uv.lock").exists()
    assert "pipeline" in output and "Run every stage that is out of date" in output  # make help
    assert re.search(r"\d+ passed", output)
    assert "7/7 exercises done." in output


def check_data(project: Path, output: str) -> None:
    assert "injected duplicate rows" in output
    assert "customer_id,signup_date" in output  # head of the raw CSV
    assert "Running stage 'register'" in output
    assert "Data and pipelines are up to date." in output
    assert (project.parent / "customer-churn-dvc-storage").is_dir()
    assert (project / "data/raw/customers.csv").exists()


def check_quality(project: Path, output: str) -> None:
    assert "10 of 39 rules failed" in output
    cleaning = read_json(project, "reports/cleaning.json")
    assert cleaning["rows"]["rows_out"] == 19300
    assert "rows out" in output and "19300" in output
    assert "blocking failed │ 0" in output


def check_explore(project: Path, output: str) -> None:
    assert "19,300 customers" in output and "23.8% churned" in output
    assert len(list((project / "reports/figures/eda").glob("*.png"))) == 5


def check_validation(project: Path, output: str) -> None:
    assert "adversarial ROC AUC" in output
    assert "Column 'refund_amount' alone predicts churn" in output
    assert "Traceback" not in output


def check_training(project: Path, output: str) -> None:
    assert "leaderboard (validation folds" in output
    assert (project / "reports/leaderboard.json").exists()
    assert re.search(r"model\.name\s+gradient_boosting\s+random_forest", output)  # params diff
    assert "Training curves" in output or "bias" in output.lower()


def check_evaluation(project: Path, output: str) -> None:
    metrics = read_json(project, "reports/metrics.json")
    assert metrics["model"]["roc_auc"]["estimate"] > metrics["reference"]["roc_auc"]
    assert (project / "reports/model_card.md").stat().st_size > 1000
    assert "roc_auc" in output  # dvc metrics show
    # The chapter promotes version 1 by hand, then rolls back to the previous champion.
    assert "champion  │ version 1" in output.replace("│ champion │", "champion  │")
    assert "rolled back" in output


def check_serving(project: Path, output: str) -> None:
    assert '"variant": "champion"' in output
    assert '"status": "ready"' in output


def check_ab(project: Path, output: str) -> None:
    # The simulated effect is found, then the imbalanced split is caught.
    assert "the challenger's churn rate is significantly lower" in output
    assert "Sample ratio check: p = " in output and "(MISMATCH)" in output
    assert (project / "reports/ab_report.json").exists()
    assert served_rows(project / "logs/ab-practice.db") == 8000


def check_monitoring(project: Path, output: str) -> None:
    assert "ALERT" in output and "alert: exit 1" in output
    assert (project / "reports/monitoring.html").stat().st_size > 10_000
    assert (project / "reports/retrain_signal.json").exists()


def check_speed(project: Path, output: str) -> None:
    assert "Data stages: seconds and peak memory" in output
    assert "peak memory at 200,000 rows" in output
    assert "Model fits: seconds per algorithm" in output
    assert "train stage overhead" in output
    assert "median latency vs mlflow models serve: x" in output
    assert "requests did not get a 200" not in output
    assert "cumtime" in output  # the profile


def check_production(project: Path, output: str) -> None:
    assert "cannot be reached" in output
    assert re.search(r"\d+ passed", output), "the chapter's `make test` ran no test"
    assert "All checks passed!" in output


CHECKS: dict[str, Callable[[Path, str], None]] = {
    "TUTORIAL.md": check_index,
    "01-set-up.md": check_setup,
    "02-data.md": check_data,
    "03-quality.md": check_quality,
    "04-explore.md": check_explore,
    "05-validation.md": check_validation,
    "06-training.md": check_training,
    "07-evaluation.md": check_evaluation,
    "08-serving.md": check_serving,
    "09-ab-testing.md": check_ab,
    "10-monitoring.md": check_monitoring,
    "11-speed.md": check_speed,
    "12-production.md": check_production,
}


@pytest.mark.parametrize("relative", FILES, ids=[Path(name).stem for name in FILES])
def test_every_block_of_the_page_runs(relative: str, project: Path, env: dict[str, str]) -> None:
    name = Path(relative).name
    assert name in CHECKS, f"{relative} needs a check of what its commands print"
    text = (project / relative).read_text(encoding="utf-8")

    output = "".join(run(block.code, project, env) for block in blocks(text) if not block.twin)

    CHECKS[name](project, output)
