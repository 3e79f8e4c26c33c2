"""Dates written as text: ISO first, forms that cannot be misread, slash dates by date_order."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data.dates import parse_dates, read_date, read_dates


def test_parse_dates_accepts_dates_and_times_with_offsets() -> None:
    text = pd.Series(["2021-03-14", "2021-03-14T10:00:00+01:00", "14/13/2021", None])

    dates = parse_dates(text)

    assert dates.tolist()[:2] == [pd.Timestamp("2021-03-14"), pd.Timestamp("2021-03-14 09:00")]
    assert dates.iloc[2:].isna().all()
    assert pd.api.types.is_datetime64_any_dtype(dates)


def test_parse_dates_leaves_dates_as_they_are() -> None:
    dates = pd.Series(pd.to_datetime(["2021-03-14", None]), name="day")

    assert parse_dates(dates) is dates


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("2024-12-31", "ISO 8601"),
        ("2024.12.31", "Y.M.D"),
        ("Dec 31 2024", "Mon D Y"),
        ("december 31, 2024", "Mon D Y"),
        ("31 Dec 2024", "D Mon Y"),
        (" 31/12/2024 ", "D/M/Y"),
        ("12/31/2024", "M/D/Y"),
    ],
)
def test_each_form_reads_as_the_same_day(text: str, form: str) -> None:
    reading = read_dates(pd.Series([text]))

    assert reading.dates.tolist() == [pd.Timestamp("2024-12-31")]
    assert reading.forms.tolist() == [form]


def test_a_slash_date_alone_with_both_numbers_up_to_12_is_ambiguous() -> None:
    # Given 03/04/2021 (3 April or March 4) with no other date, then it is no date, but
    # 05/05/2021 reads the same both ways and is one
    reading = read_dates(pd.Series(["03/04/2021", "05/05/2021"]))

    assert reading.forms.tolist() == ["ambiguous", "D/M/Y"]
    assert reading.dates.isna().tolist() == [True, False]


def test_auto_reads_the_column_day_first_when_a_day_above_12_says_so() -> None:
    reading = read_dates(pd.Series(["03/04/2021", "25/12/2020", None]), "auto")

    assert reading.dates.tolist()[:2] == [pd.Timestamp("2021-04-03"), pd.Timestamp("2020-12-25")]
    assert reading.form_counts() == {"D/M/Y": 2}


def test_auto_reads_the_column_month_first_on_the_opposite_evidence() -> None:
    dates = parse_dates(pd.Series(["03/04/2021", "12/25/2020"]), "auto")

    assert dates.tolist() == [pd.Timestamp("2021-03-04"), pd.Timestamp("2020-12-25")]


def test_auto_decides_nothing_on_conflicting_evidence() -> None:
    reading = read_dates(pd.Series(["03/04/2021", "25/12/2020", "12/25/2020"]))

    assert reading.forms.tolist() == ["ambiguous", "D/M/Y", "M/D/Y"]


def test_a_cell_read_alone_ignores_the_column_evidence() -> None:
    reading = read_dates(pd.Series(["03/04/2021", "25/12/2020"]), column_evidence=False)

    assert reading.forms.tolist() == ["ambiguous", "D/M/Y"]


def test_an_explicit_order_reads_every_slash_date_and_refuses_the_impossible_ones() -> None:
    text = pd.Series(["03/04/2021", "12/25/2020"])

    day_first = read_dates(text, "day_first")
    month_first = read_dates(text, "month_first")

    assert day_first.dates.iloc[0] == pd.Timestamp("2021-04-03")
    assert day_first.forms.tolist() == ["D/M/Y", "unreadable"]
    assert month_first.dates.tolist() == [pd.Timestamp("2021-03-04"), pd.Timestamp("2020-12-25")]


def test_text_in_no_known_form_or_no_such_day_is_unreadable() -> None:
    reading = read_dates(pd.Series(["31/02/2021", "Foo 3 2021", "soon", "2021.13.01", None]))

    assert reading.form_counts() == {"unreadable": 4}
    assert reading.dates.isna().all()


def test_read_date_gives_one_date_or_says_why_not() -> None:
    assert read_date("Mar 15 2024") == dt.date(2024, 3, 15)
    assert read_date("03/04/2024", "month_first") == dt.date(2024, 3, 4)
    with pytest.raises(ValueError, match=r"'03/04/2024' is ambiguous .* columns.date_order"):
        read_date("03/04/2024")
    with pytest.raises(ValueError, match="'later' is no date"):
        read_date("later")


def test_all_iso_texts_read_in_one_pass_as_the_full_rule_reads_them() -> None:
    iso = ["2021-03-15", "2021-03-14T10:00+01:00", "2024-02-29 08:30"]
    # One text in another form sends the same cells through every form's pass.
    mixed = read_dates(pd.Series([*iso, "Dec 31 2024"]), "day_first")

    alone = read_dates(pd.Series(iso), "day_first")

    pd.testing.assert_series_equal(alone.dates, mixed.dates.head(3), check_index_type=False)
    assert alone.forms.tolist() == mixed.forms.head(3).tolist() == ["ISO 8601"] * 3
    # A text that only looks ISO ("February 30th") still gets the full rule's verdict.
    assert read_dates(pd.Series(["2021-02-30"])).dates.isna().all()
