"""The data stages: acquire, validate, clean, explore."""
