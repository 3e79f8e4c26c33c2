"""Dates written as text: the one rule by which cleaning, splits, folds and features read them.

Only ISO 8601 is a date here ("2021-03-14", "2021-03-14T10:00+01:00"): "03/04/2021" is the 3rd
of April in Europe and the 4th of March in the US, so any other form is read as missing rather
than guessed. Numbers have their own rule, in data/numbers.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse ISO 8601 text ("2021-03-14") into datetime64; anything else becomes NaT.

    A time with a UTC offset ("2021-03-14T10:00+01:00") is converted to UTC and loses the
    offset, so that one column can mix both forms (pandas refuses mixed offsets otherwise).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    codes, uniques = pd.factorize(values)
    dates = pd.to_datetime(
        pd.Series(uniques, dtype=object), format="ISO8601", errors="coerce", utc=True
    )
    parsed = dates.dt.tz_localize(None).to_numpy()
    # factorize marks a missing cell with code -1, which picks the NaT appended last.
    parsed = np.append(parsed, np.array(["NaT"], dtype=parsed.dtype))[codes]
    return pd.Series(parsed, index=values.index, name=values.name)
