"""The bug hunt's catalogue names symptoms, never files; its table counts the faults found."""

from __future__ import annotations

from rich.console import Console

from {{ cookiecutter.package_name }}.bug_hunt import BUGS, found, hunt_table, present


def test_every_symptom_says_what_is_seen_and_never_names_a_file() -> None:
    for bug in BUGS:
        shown = f"{bug.symptom} {bug.where}"
        assert bug.symptom.endswith(".") and bug.where
        assert ".py" not in shown and "src/" not in shown, bug.number
    numbers = [bug.number for bug in BUGS]
    assert numbers == list(range(1, len(BUGS) + 1))
    assert {bug.number for bug in present()} <= set(numbers)


def test_a_bug_is_found_only_when_its_tests_ran_and_all_of_them_passed() -> None:
    first, second, third = BUGS[:3]
    grades = {first.number: (2, 2), second.number: (1, 2)}  # third: no test ran

    assert found([first, second, third], grades) == 1


def test_the_table_shows_each_symptom_with_its_tests_and_status() -> None:
    first, second = BUGS[:2]
    console = Console(record=True, width=300)

    console.print(hunt_table([first, second], {first.number: (1, 1), second.number: (0, 1)}))

    lines = console.export_text().splitlines()
    row_one = next(line for line in lines if line.startswith(f"│ {first.number} "))
    row_two = next(line for line in lines if line.startswith(f"│ {second.number} "))
    assert "1/1" in row_one and "│ found" in row_one
    assert "0/1" in row_two and "not found" in row_two
