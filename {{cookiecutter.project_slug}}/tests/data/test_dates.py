"""Dates written as text: ISO 8601 only, offsets converted to UTC."""

from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }}.data.dates import parse_dates


def test_parse_dates_accepts_dates_and_times_with_offsets() -> None:
    text = pd.Series(["2021-03-14", "2021-03-14T10:00:00+01:00", "14/03/2021", None])

    dates = parse_dates(text)

    assert dates.tolist()[:2] == [pd.Timestamp("2021-03-14"), pd.Timestamp("2021-03-14 09:00")]
    assert dates.iloc[2:].isna().all()
    assert pd.api.types.is_datetime64_any_dtype(dates)


def test_parse_dates_leaves_dates_as_they_are() -> None:
    dates = pd.Series(pd.to_datetime(["2021-03-14", None]), name="day")

    assert parse_dates(dates) is dates
