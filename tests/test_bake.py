"""Bake a curated set of answer combinations: each project is complete, clean and valid."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cookiecutter.environment import StrictEnvironment
from cookiecutter.exceptions import FailedHookException

from .conftest import PROJECT_TEMPLATE, load_hook

if sys.version_info >= (3, 11):
    import tomllib
else:  # the template supports Python 3.10, which lacks tomllib
    import tomli as tomllib

COMBINATIONS = [
    pytest.param({}, id="default"),
    pytest.param({"license": "none"}, id="no-licence"),
    pytest.param({"license": "Apache-2.0", "python_version": "3.13"}, id="apache-py313"),
    pytest.param({"license": "BSD-3-Clause", "python_version": "3.10"}, id="bsd-py310"),
    pytest.param({"project_name": "Fraud Radar"}, id="other-name"),
    pytest.param({"include_ab_testing": "no"}, id="no-ab-testing"),
    pytest.param({"include_monitoring": "no"}, id="no-monitoring"),
    pytest.param(
        {"include_api": "no", "include_ab_testing": "no", "include_monitoring": "no"},
        id="no-api",
    ),
    # With the practice exercises blank, the project must still lint (checked below for each).
    pytest.param({"exercises": "yes"}, id="exercises"),
    pytest.param(
        {
            "exercises": "yes",
            "include_api": "no",
            "include_ab_testing": "no",
            "include_monitoring": "no",
        },
        id="exercises-no-api",
    ),
    # The bug hunt: faults planted, still valid and lint-clean, with or without the service.
    pytest.param({"exercises": "bugs"}, id="bugs"),
    pytest.param(
        {
            "exercises": "bugs",
            "include_api": "no",
            "include_ab_testing": "no",
            "include_monitoring": "no",
        },
        id="bugs-no-api",
    ),
    pytest.param(
        {
            "project_name": 'Churn "Q" \\ Model',
            "description": "Says \"hi\" \\ and 'bye' {not jinja}",
            "author_name": 'Zoë O\'Brien "Bob"',
        },
        id="quotes-backslashes-unicode",
    ),
]
LEFTOVERS = ("{{", "{%", "cookiecutter")
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
post = load_hook("post_gen_project")


def expected_files(context: dict) -> set[str]:
    """Every file of the template, with its name rendered, minus what the answers remove."""
    package = context["package_name"]
    removed = post.paths_to_remove(context)
    files = set()
    for path in PROJECT_TEMPLATE.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(PROJECT_TEMPLATE).as_posix()
            relative = relative.replace("{{cookiecutter.package_name}}", package)
            if not any(relative == gone or relative.startswith(f"{gone}/") for gone in removed):
                files.add(relative)
    if context["exercises"] == "yes":
        files.add(post.SOLUTIONS)  # the blanked code, for `exercises solution N`
    return files


def baked_files(project: Path) -> set[str]:
    """Every file of a baked project, ignoring the git repository the hook creates."""
    return {
        path.relative_to(project).as_posix()
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(project).parts[:1]
    }


@pytest.mark.parametrize("answers", COMBINATIONS)
def test_bake(cookies, answers: dict) -> None:
    result = cookies.bake(extra_context=answers)

    assert result.exit_code == 0, result.exception
    assert result.exception is None
    project = Path(result.project_path)
    context = result.context
    slug, package = context["project_slug"], context["package_name"]
    assert project.name == slug
    assert baked_files(project) == expected_files(context)
    assert (project / ".git").is_dir()

    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.relative_to(project).parts[:1]:
            text = path.read_text(encoding="utf-8")
            if ".github" in path.relative_to(project).parts:
                text = GITHUB_EXPRESSION.sub("", text)  # GitHub's own ${{ }}, not Jinja
            for leftover in LEFTOVERS:
                assert leftover not in text, f"{leftover!r} left in {path.relative_to(project)}"
            assert not re.search(r"^\s*# \[/?(api|ab|monitoring)\]", text, re.MULTILINE), path
            assert not BUG_MARKER.search(text), path
            if path.suffix == ".py":
                ast.parse(text, filename=str(path))

    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["name"] == slug
    assert pyproject["project"]["description"] == context["description"]
    assert pyproject["project"]["authors"][0]["name"] == context["author_name"]
    assert pyproject["project"]["requires-python"] == f">={context['python_version']}"
    assert pyproject["project"]["scripts"][slug] == f"{package}.cli:main"
    assert yaml.safe_load((project / "params.yaml").read_text())["columns"]["target"] == "churn"
    assert yaml.safe_load((project / "dvc.yaml").read_text())["stages"]["acquire"]["cmd"] == (
        f"{slug} data acquire"
    )
    readme = (project / "README.md").read_text(encoding="utf-8")
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    assert context["project_name"] in readme
    api, ab = context["include_api"] == "yes", context["include_ab_testing"] == "yes"
    assert ("make serve" in readme, "\nserve:" in makefile, "fastapi" in str(pyproject)) == (
        api,
    ) * 3
    assert ("ab simulate" in readme, "\nab-report:" in makefile) == (ab, ab)
    params = yaml.safe_load((project / "params.yaml").read_text())
    assert ("serving" in params) == api
    monitoring = context["include_monitoring"] == "yes"
    assert ("monitor check" in readme, "\nretrain:" in makefile, "monitoring" in params) == (
        monitoring,
    ) * 3
    assert (project / "src" / package / "monitoring/drift.py").exists()

    for command in (["check"], ["format", "--check"]):
        lint = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize(
    ("licence", "first_line"),
    [
        ("MIT", "MIT License"),
        ("BSD-3-Clause", "BSD 3-Clause License"),
        ("Apache-2.0", "Apache License"),
    ],
)
def test_licence_text_matches_the_choice(cookies, licence: str, first_line: str) -> None:
    result = cookies.bake(extra_context={"license": licence, "author_name": "Ada Lovelace"})

    text = (Path(result.project_path) / "LICENSE").read_text()
    assert text.strip().splitlines()[0].strip() == first_line
    assert "Ada Lovelace" in text


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({"project_slug": "Bad Slug!"}, id="slug-with-space"),
        pytest.param({"package_name": "class"}, id="package-is-keyword"),
        pytest.param({"package_name": "pandas"}, id="package-shadows-dependency"),
        pytest.param({"package_name": "churn-model"}, id="package-with-dash"),
        pytest.param({"author_email": "not-an-email"}, id="bad-email"),
        pytest.param({"project_name": "{% raw %}"}, id="name-renders-empty"),
        pytest.param({"include_api": "no"}, id="ab-testing-without-api"),
        pytest.param(
            {"include_api": "no", "include_ab_testing": "no"}, id="monitoring-without-api"
        ),
    ],
)
def test_invalid_answers_are_refused_by_the_hook(cookies, answers: dict) -> None:
    result = cookies.bake(extra_context=answers)

    assert result.exit_code != 0
    assert isinstance(result.exception, FailedHookException)
    assert result.project_path is None


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"python_version": "2.7"}, "2.7 provided for choice variable python_version"),
        ({"license": "GPL-3.0"}, "GPL-3.0 provided for choice variable license"),
    ],
)
def test_an_answer_outside_the_choices_is_refused(cookies, answers: dict, message: str) -> None:
    # Cookiecutter itself checks choice variables, before the hook (which checks them too).
    result = cookies.bake(extra_context=answers)

    assert result.exit_code != 0
    assert message in str(result.exception)
    assert result.project_path is None


def test_a_name_without_letters_gets_a_usable_slug(cookies) -> None:
    result = cookies.bake(extra_context={"project_name": "!!!"})

    assert result.exit_code == 0, result.exception
    assert Path(result.project_path).name == "my-project"
    assert (Path(result.project_path) / "src/my_project/cli.py").exists()


def test_a_name_that_breaks_jinja_writes_nothing(cookies, tmp_path: Path) -> None:
    # Cookiecutter renders answers as templates before any hook runs, so an unbalanced "{{"
    # is refused by cookiecutter itself; what matters is that no broken project is left behind.
    result = cookies.bake(extra_context={"project_name": "Bad {{ name"})

    assert result.exit_code != 0
    assert result.project_path is None
    # pytest-cookies bakes below tmp_path/cookies: not a single file may have been written there.
    assert [path for path in (tmp_path / "cookies").rglob("*") if path.is_file()] == []


# --- The practice exercises: number -> file below the package, function (see exercises.py).
EXERCISES = {
    1: ("data/transformers.py", "QuantileClipper.transform"),
    2: ("model/folds.py", "group_kfold"),
    3: ("model/metrics.py", "choose_threshold"),
    4: ("model/gate.py", "gate_decision"),
    5: ("serving/assignment.py", "assign"),
    6: ("ab/stats.py", "srm_check"),
    7: ("monitoring/drift.py", "psi"),
    8: ("data/numbers.py", "plain_spelling"),
    9: ("data/spelling.py", "edit_distance"),
    10: ("data/quality_rules.py", "misspelt_values_rule"),
    11: ("model/leakage.py", "check_leakage"),
    12: ("ab/stats.py", "bootstrap_interval"),
    13: ("model/cross_validation.py", "learning_curve_verdict"),
    14: ("ab/stats.py", "required_sample_size"),
    15: ("monitoring/two_sample.py", "earth_movers_distance"),
    16: ("monitoring/monitor.py", "performance_alert"),
    17: ("model/scratch/linear.py", "logistic_gd"),
    18: ("model/scratch/linear.py", "normal_equation"),
    19: ("model/scratch/linear.py", "linear_gd"),
    20: ("model/scratch/kmeans.py", "kmeans"),
    21: ("model/scratch/naive_bayes.py", "log_posterior"),
    22: ("model/scratch/tree.py", "best_split"),
    23: ("model/scratch/ensemble.py", "bagged_trees"),
    28: ("serving/batch_score.py", "score_in_chunks"),
    30: ("model/scratch/boosting.py", "gradient_boost"),
    31: ("model/scratch/svm.py", "pegasos"),
    32: ("model/scratch/neural.py", "gradients"),
    33: ("model/scratch/neural.py", "numerical_gradient"),
    34: ("data/ingest.py", "binary_target"),
    35: ("data/eda_stats.py", "compare_periods"),
    36: ("model/features.py", "CustomerSegments.transform"),
    37: ("model/compare.py", "leaderboard_row"),
    38: ("nightly/morning_report.py", "MorningReport.first_look"),
    39: ("model/register.py", "make_champion"),
    40: ("data/eda_stats.py", "missingness_and_churn"),
}
# The write-tests exercises: number -> the test file the learner writes (the function is given).
WRITE_TESTS = {
    24: "tests/practice/test_write_24_expected_cost.py",
    25: "tests/practice/test_write_25_in_range.py",
    26: "tests/practice/test_write_26_psi_band.py",
    27: "tests/practice/test_write_27_unit_hash.py",
}
# [ \t]*, not \s*: a blank line before a marker is not part of it.
EXERCISE_MARKER = re.compile(r"^[ \t]*# \[/?exercise \d+\].*\n", flags=re.MULTILINE)
# The bug hunt's markers (post_gen_project.py, apply_bugs) and its catalogue (bug_hunt.py).
BUG_MARKER = re.compile(r"^\s*# \[/?bug \d+( planted)?\]", flags=re.MULTILINE)
PACKAGE_TEMPLATE = PROJECT_TEMPLATE / "src" / "{{cookiecutter.package_name}}"


def function_node(source: str, qualname: str) -> ast.FunctionDef:
    """The definition of a function or method ("Class.method") in a module's source."""
    node: ast.AST = ast.parse(source)
    for name in qualname.split("."):
        node = next(
            child
            for child in node.body
            if isinstance(child, ast.ClassDef | ast.FunctionDef) and child.name == name
        )
    return node


def template_source(number: int) -> str:
    """The template module of an exercise, with the package named "pkg" so that it parses."""
    source = (PACKAGE_TEMPLATE / EXERCISES[number][0]).read_text(encoding="utf-8")
    return source.replace("{{ cookiecutter.package_name }}", "pkg")


def statements_before_the_exercise(number: int) -> int:
    """How many statements of the function's body (its docstring too) precede the marker."""
    source = template_source(number)
    opening = next(
        i + 1 for i, line in enumerate(source.splitlines()) if f"# [exercise {number}] " in line
    )
    function = function_node(source, EXERCISES[number][1])
    return sum(statement.end_lineno < opening for statement in function.body)


def test_each_exercise_is_marked_once_around_the_end_of_its_function() -> None:
    for number, (relative, qualname) in EXERCISES.items():
        source = template_source(number)
        lines = source.splitlines()
        opening = [i for i, line in enumerate(lines) if f"# [exercise {number}] " in line]
        closing = [i for i, line in enumerate(lines) if f"# [/exercise {number}]" in line]
        assert len(opening) == len(closing) == 1, relative

        function = function_node(source, qualname)
        docstring = ast.get_docstring(function)
        # The region is the end of the body: after the docstring (and the argument checks,
        # whose exact sentences the tests read), up to the function's last line.
        assert function.body[0].end_lineno <= opening[0] < closing[0], qualname
        assert function.end_lineno == closing[0], qualname
        # The hints live in the catalogue (exercise_catalogue.py), shown one at a time.
        assert "Hints:" not in docstring, qualname
    for number, relative in WRITE_TESTS.items():
        # A whole test module: from after its docstring to its end, markers at the margin.
        lines = (PROJECT_TEMPLATE / relative).read_text(encoding="utf-8").splitlines()
        assert lines[lines.index('"""') + 2].startswith(f"# [exercise {number}] write tests of ")
        assert lines[-1] == f"# [/exercise {number}]"
    sources = [path.read_text(encoding="utf-8") for path in PROJECT_TEMPLATE.rglob("*.py")]
    marked = re.findall(r"# \[exercise (\d+)\]", "".join(sources))
    assert sorted(int(number) for number in marked) == sorted({*EXERCISES, *WRITE_TESTS})


def test_without_exercises_the_reference_code_is_baked_unchanged(cookies) -> None:
    result = cookies.bake()

    project, context = Path(result.project_path), result.context
    assert context["exercises"] == "no"
    for path in project.rglob("*.py"):
        assert not EXERCISE_MARKER.search(path.read_text(encoding="utf-8")), path
    jinja = StrictEnvironment(context={"cookiecutter": context}, keep_trailing_newline=True)
    for relative in sorted({relative for relative, _ in EXERCISES.values()}):
        template = EXERCISE_MARKER.sub("", (PACKAGE_TEMPLATE / relative).read_text("utf-8"))
        # A module may also hold a fault of the bug hunt: without it, only its correct lines.
        expected = post.apply_bugs(jinja.from_string(template).render(cookiecutter=context), False)
        baked = project / "src" / context["package_name"] / relative
        assert baked.read_text(encoding="utf-8") == expected, relative
    for relative in WRITE_TESTS.values():
        assert "def test_exercise_" not in (project / relative).read_text(encoding="utf-8")
    assert not (project / post.SOLUTIONS).exists()


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({}, id="default"),
        pytest.param(
            {"include_api": "no", "include_ab_testing": "no", "include_monitoring": "no"},
            id="no-api",
        ),
    ],
)
def test_with_exercises_each_body_is_a_not_implemented_error_and_its_solution_is_saved(
    cookies, answers: dict
) -> None:
    result = cookies.bake(extra_context={**answers, "exercises": "yes"})

    assert result.exit_code == 0, result.exception
    project, package = Path(result.project_path), result.context["package_name"]
    solved = set().union(*(post.EXERCISES_OF[f] for f in post.disabled_features(result.context)))
    saved = json.loads((project / post.SOLUTIONS).read_text(encoding="utf-8"))
    blank = []
    for number, (relative, qualname) in EXERCISES.items():
        path = project / "src" / package / relative
        if not path.exists() or number in solved:
            continue
        blank.append(number)
        source = path.read_text(encoding="utf-8")
        assert not EXERCISE_MARKER.search(source), path
        function = function_node(source, qualname)
        # What precedes the marker stays (the argument checks); the rest is one raise.
        assert len(function.body) == statements_before_the_exercise(number) + 1, qualname
        assert isinstance(function.body[-1], ast.Raise), qualname
        error = function.body[-1].exc
        assert isinstance(error, ast.Call) and error.func.id == "NotImplementedError"
        assert error.args[0].value.startswith(f"Exercise {number}: "), qualname
    for number, relative in WRITE_TESTS.items():
        if (project / relative).exists() and number not in solved:
            blank.append(number)
            source = (project / relative).read_text(encoding="utf-8")
            assert f'pytest.fail(\n        "Exercise {number}: write tests of ' in source
    assert sorted(int(number) for number in saved) == sorted(blank)
    # Without the service (and so without A/B and monitoring), their exercises go, or stay
    # solved where the rest of the project calls them (post.EXERCISES_OF); the nightly run (38)
    # goes with the service.
    everything = sorted([*EXERCISES, *WRITE_TESTS])
    gone = {5, 6, 7, 12, 14, 15, 16, 26, 27, 28, 38} if answers else set()
    assert sorted(blank) == [number for number in everything if number not in gone]
    assert "def group_kfold(" not in saved["2"] and "StratifiedKFold" in saved["2"]


# --- The generated package's structure: stages are leaves that only the CLI imports.

MAX_MODULE_LINES = 400
STAGE = re.compile(r"^def run\(params\b", re.MULTILINE)


@pytest.fixture(scope="module")
def default_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package of a project baked with the default answers (baked once for these tests)."""
    from cookiecutter.main import cookiecutter

    output = tmp_path_factory.mktemp("structure")
    project = Path(cookiecutter(str(PROJECT_TEMPLATE.parent), no_input=True, output_dir=output))
    return next(path for path in (project / "src").iterdir() if path.is_dir())


def package_modules(package: Path) -> dict[str, Path]:
    """Every module of the package by dotted name; the (empty) __init__ files are left out."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        if path.name != "__init__.py":
            modules[".".join(path.relative_to(package.parent).with_suffix("").parts)] = path
    return modules


def type_checking_nodes(tree: ast.AST) -> set[int]:
    """The ids of the nodes under `if TYPE_CHECKING:` (annotations only: never run)."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for inner in ast.walk(node)
    }


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules a module imports, at its top or inside a function (the CLI's way)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = type_checking_nodes(tree)
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found |= {name for name in names if name in modules}
    return found


def stage_modules(modules: dict[str, Path]) -> set[str]:
    """The modules that define `run(params, ...)`: one workflow stage each."""
    return {name for name, path in modules.items() if STAGE.search(path.read_text("utf-8"))}


def imported_closure(roots: set[str], modules: dict[str, Path]) -> set[str]:
    """The roots and every package module they import, directly or not."""
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += sorted(imports_of(modules[name], modules))
    return seen


def test_the_package_init_files_import_nothing(default_package: Path) -> None:
    # The import walks below leave __init__.py out: that is right only while they import nothing.
    for path in default_package.rglob("__init__.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not any(isinstance(node, ast.Import | ast.ImportFrom) for node in ast.walk(tree))


def test_only_the_cli_imports_a_stage_and_no_module_is_too_long(default_package: Path) -> None:
    modules = package_modules(default_package)
    stages = stage_modules(modules)
    # The drivers: the CLI (cli.py, and cli_bench.py for the bench commands) runs the stages;
    # the benchmark (make bench) runs them to time them,
    # as the pipeline does. Nothing else may, so that a stage is never used as a library.
    drivers = {f"{default_package.name}.{name}" for name in ("cli", "cli_bench", "bench")}
    # The A/B group's commands (`ab shadow`, `ab canary`) are CLI code too, in their own module.
    drivers.add(f"{default_package.name}.ab.commands")
    # The overnight commands, the nightly run (it chains monitor, retrain and model score as
    # the Makefile chains stages) and the batch benchmark drive stages the same way.
    drivers |= {
        f"{default_package.name}.{name}"
        for name in ("cli_batch", "nightly.run", "serving.batch_benchmark")
    }

    offending = sorted(
        f"{name} imports the stage {imported}"
        for name, path in modules.items()
        if name not in drivers
        for imported in imports_of(path, modules) & stages
    )
    too_long = sorted(
        f"{name}: {lines} lines"
        for name, path in modules.items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    )

    assert len(stages) >= 8, stages  # the walk found the stages (acquire ... register)
    assert offending == []
    assert too_long == []


def test_each_dvc_stage_depends_on_every_module_its_stage_imports(default_package: Path) -> None:
    project, package = default_package.parents[1], default_package.name
    modules = package_modules(default_package)
    stages = stage_modules(modules)
    dvc = yaml.safe_load((project / "dvc.yaml").read_text(encoding="utf-8"))["stages"]

    missing = {}
    for name, stage in dvc.items():
        deps = set(stage["deps"])
        roots = {
            module
            for module, path in modules.items()
            if module in stages and path.relative_to(project).as_posix() in deps
        }
        assert roots, f"dvc stage {name} lists no stage module among its deps"
        needed = {
            modules[module].relative_to(project).as_posix()
            for module in imported_closure(roots, modules)
        }
        if needed - deps:
            missing[name] = sorted(needed - deps)

    # An edit of a shared module (config.py, files.py, errors.py...) must rerun the stages using it.
    assert missing == {}, f"add to dvc.yaml: {missing} (package {package})"


def test_each_fault_of_the_bug_hunt_is_marked_and_has_a_graded_test() -> None:
    sources = "".join(path.read_text("utf-8") for path in PACKAGE_TEMPLATE.rglob("*.py"))
    tests = "".join(path.read_text("utf-8") for path in (PROJECT_TEMPLATE / "tests").rglob("*.py"))
    catalogue = (PACKAGE_TEMPLATE / "bug_hunt.py").read_text(encoding="utf-8")
    listed = [int(number) for number in re.findall(r"Bug\(\s*(\d+),", catalogue)]

    opened = re.findall(r"# \[bug (\d+)\]", sources)
    planted = re.findall(r"# \[bug (\d+) planted\]", sources)
    closed = re.findall(r"# \[/bug (\d+)\]", sources)
    assert listed == list(range(1, len(listed) + 1))
    assert opened == planted == closed  # every region has its three markers, in order
    assert {int(number) for number in opened} == set(listed)
    graded = {int(number) for number in re.findall(r"@pytest\.mark\.bug\((\d+)\)", tests)}
    assert graded == set(listed)
