"""Model stages: split, train, evaluate, register (and compare), with their pure building blocks."""
