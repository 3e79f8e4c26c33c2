"""The catalogue of practice exercises: what each one is, where, which skills it trains, its hints.

The entries live in three files by part (data and models, algorithms from scratch, production);
this one joins them. exercises.py grades them and prints the progress. An exercise's number is its
identity (markers in the code, `@pytest.mark.exercise(N)` on its graded tests); numbers are never
reused. Hints go from a question to the idea to the shape of the code, so a learner can ask for
as little help as they need (`exercises hint N` shows the next one).

Two kinds: "implement" (the function's body is blank; its graded tests say whether it works) and
"write-tests" (the function is there; the learner writes its tests in `test_file`, which must
pass on the function and catch each planted bug of exercise_mutants.py).
"""

from __future__ import annotations

from {{ cookiecutter.package_name }}.exercise_entry import PACKAGE, Exercise
from {{ cookiecutter.package_name }}.exercises_in_production import PRODUCTION_EXERCISES
from {{ cookiecutter.package_name }}.exercises_on_algorithms import ALGORITHM_EXERCISES
from {{ cookiecutter.package_name }}.exercises_on_data_and_models import DATA_AND_MODEL_EXERCISES

__all__ = ["CATALOGUE", "PACKAGE", "Exercise"]

# In number order: the order of the progress table.
EVERY_PART = (*DATA_AND_MODEL_EXERCISES, *ALGORITHM_EXERCISES, *PRODUCTION_EXERCISES)
CATALOGUE = tuple(sorted(EVERY_PART, key=lambda exercise: exercise.number))
