"""One practice exercise: which function it is, the chapter that teaches it, what it trains."""

from __future__ import annotations

from dataclasses import dataclass

PACKAGE = __name__.rpartition(".")[0]


@dataclass(frozen=True)
class Exercise:
    """One exercise: a function of the package, the chapter that teaches it and what it trains."""

    number: int
    title: str
    module: str  # below the package, e.g. "data.transformers"
    function: str  # its qualified name in the module, e.g. "QuantileClipper.transform"
    chapter: str
    skills: tuple[str, ...] = ()  # ids of skills.py
    hints: tuple[str, ...] = ()  # up to three: a question, the idea, the shape of the code
    kind: str = "implement"  # or "write-tests"

    @property
    def path(self) -> str:
        """The file to edit, from the project's root."""
        return f"src/{PACKAGE}/{self.module.replace('.', '/')}.py"

    @property
    def test_file(self) -> str:
        """Where the learner writes the tests of a write-tests exercise, from the project's root."""
        return f"tests/practice/test_write_{self.number}_{self.function.lower()}.py"
