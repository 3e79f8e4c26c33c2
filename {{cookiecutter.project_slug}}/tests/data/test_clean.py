"""Clean stage: the row steps, the report of what each step changed, and the run."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.clean import (
    clean_rows,
    column_report,
    drop_duplicate_rows,
    drop_impossible_records,
    drop_missing_target,
    fit_steps,
    normalisation_counts,
    removal_refusal,
    resolve_repeated_ids,
    rewrite_dates,
    run,
)
from {{ cookiecutter.package_name }}.data.transformers import (
    NumericParser,
    build_cleaner,
    contract_spellings,
    normalize_categories,
)
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.paths import CLEANING_JSON, INTERIM_DATA, PROCESSED_DATA, RAW_DATA

from ..conftest import number_in, raw_frame, raw_row, require_exercises

N_CLEAN = 12  # records 0..11 are kept by the row steps


def numbers(columns: ColumnsParams) -> tuple[str, str]:
    """The contract's first two numeric columns (the tests' contract has two)."""
    first, second, *_ = columns.numeric
    return first, second


def out_of_range(columns: ColumnsParams, name: str, side: str) -> str:
    """A value of numeric column `name` just below its min ("low") or above its max ("high")."""
    spec = columns.numeric[name]
    return f"{spec.min - 1:g}" if side == "low" else f"{spec.max + 1:g}"


def dirty_rows(columns: ColumnsParams) -> list[dict[str, str]]:
    """12 records with cell dirt, plus 7 rows that the row steps must remove."""
    first, second = numbers(columns)
    category, spec = next(iter(columns.categorical.items()))
    value = number_in(columns, first, 4)
    cell_dirt = {
        0: {category: next(iter(spec.synonyms)).upper()},  # a synonym, another case
        1: {category: f"  {spec.allowed[1].upper()}"},
        2: {category: "Narnia"},  # unknown
        3: {first: f"{number_in(columns, first, 3):.2f}".replace(".", ",")},  # decimal comma
        4: {first: f"${value:.2f}"},
        5: {first: "abc"},
        6: {second: ""},
    }
    rows = [raw_row(columns, i, **cell_dirt.get(i, {})) for i in range(N_CLEAN)]
    rows.insert(8, rows[7])  # an exact duplicate
    rows.append(raw_row(columns, 8, **{second: ""}))  # record 8 again, less complete
    target = columns.target
    rows += [raw_row(columns, 12, **{target: ""}), raw_row(columns, 13, **{target: "2"})]
    rows.append(raw_row(columns, 14, **{second: out_of_range(columns, second, "high")}))
    rows.append(raw_row(columns, 15, **{first: out_of_range(columns, first, "low")}))
    rows.append(raw_row(columns, 16, **{columns.time: "not a date"}))
    return rows


def ids(columns: ColumnsParams, numbers: list[int]) -> list[str]:
    """The ids of the numbered records."""
    return [raw_row(columns, i)[columns.id] for i in numbers]


# --- Row steps.


def test_drop_missing_target_parses_the_labels(contract: ColumnsParams) -> None:
    target = contract.target
    rows = [raw_row(contract, 0), raw_row(contract, 1, **{target: ""})]
    rows += [raw_row(contract, 2, **{target: "yes"}), raw_row(contract, 3)]

    kept, removed = drop_missing_target(raw_frame(contract, rows), target)

    assert removed == 2
    assert kept[contract.id].tolist() == ids(contract, [0, 3])
    assert kept[target].tolist() == [0, 1]
    assert kept[target].dtype == "int64"


def test_drop_duplicate_rows_keeps_the_first_copy(contract: ColumnsParams) -> None:
    frame = raw_frame(contract, [raw_row(contract, i) for i in (0, 1, 0, 0)])

    kept, removed = drop_duplicate_rows(frame)

    assert removed == 2
    assert kept.index.tolist() == [0, 1]


def test_repeated_id_keeps_the_most_complete_row(contract: ColumnsParams) -> None:
    category = next(iter(contract.categorical))
    _, second = numbers(contract)
    rows = [raw_row(contract, 0), raw_row(contract, 0, **{second: ""})]
    rows += [
        raw_row(contract, 1, **{category: ""}),
        raw_row(contract, 1, **{category: "", second: ""}),
    ]

    kept, removed = resolve_repeated_ids(raw_frame(contract, rows), contract.id)

    assert removed == 2
    assert kept.index.tolist() == [0, 2]


def test_repeated_id_tie_keeps_the_last_row(contract: ColumnsParams) -> None:
    _, second = numbers(contract)
    rows = [raw_row(contract, 0, **{second: "41"}), raw_row(contract, 1)]
    rows.append(raw_row(contract, 0, **{second: "42"}))

    kept, removed = resolve_repeated_ids(raw_frame(contract, rows), contract.id)

    assert removed == 1
    assert kept[second].tolist() == [raw_row(contract, 1)[second], "42"]


def test_repeated_id_without_id_column_changes_nothing(contract: ColumnsParams) -> None:
    frame = raw_frame(contract, [raw_row(contract, 0), raw_row(contract, 0)])

    kept, removed = resolve_repeated_ids(frame, None)

    assert removed == 0
    assert len(kept) == 2


def test_drop_impossible_records_counts_per_column(contract: ColumnsParams) -> None:
    first, second = numbers(contract)
    time = contract.time
    changes = [
        {second: out_of_range(contract, second, "high")},
        {
            first: out_of_range(contract, first, "low"),
            second: out_of_range(contract, second, "low"),
        },
        {first: f"${number_in(contract, first, 2):.2f}"},  # a number written as text is fine
        {time: "2021-02-30"},  # no such day
        {second: ""},  # missing, not impossible
        {time: "2025-01-02"},  # after today
        {time: "2025-01-01"},  # today
        {contract.id: ""},
    ]
    rows = [raw_row(contract, i, **change) for i, change in enumerate(changes)]
    frame = raw_frame(contract, rows)

    kept, counts = drop_impossible_records(frame, contract, today=date(2025, 1, 1))

    assert kept[contract.id].tolist() == ids(contract, [2, 4, 6])
    assert counts[second] == 2
    assert counts[first] == 1
    assert counts[time] == 2  # no such day, and a day in the future
    assert counts[contract.id] == 1


def test_rewrite_dates_writes_every_readable_date_as_iso(contract: ColumnsParams) -> None:
    # Given dates in other forms, 25/12/2020 showing the column is day first
    text = ["2021-03-14", "03/04/2021", "25/12/2020", "Mar 15 2021", "2021.02.30", None]
    frame = pd.DataFrame({contract.time: text})

    rewritten, count = rewrite_dates(frame, contract)

    # Then the readable ones are ISO, ISO and unreadable cells stay as they were
    assert rewritten[contract.time].tolist()[:5] == [
        "2021-03-14",
        "2021-04-03",
        "2020-12-25",
        "2021-03-15",
        "2021.02.30",
    ]
    assert pd.isna(rewritten[contract.time].iloc[5])
    assert count == 3


def test_rewrite_dates_refuses_ambiguous_dates_naming_count_example_and_param(
    contract: ColumnsParams,
) -> None:
    frame = pd.DataFrame({contract.time: ["03/04/2021", "2021-01-01", "05/06/2021"]})

    with pytest.raises(DataError) as caught:
        rewrite_dates(frame, contract)

    assert str(caught.value) == (
        f"Column '{contract.time}' of {RAW_DATA} has 2 ambiguous dates such as '03/04/2021' "
        "(day or month first?); set columns.date_order in params.yaml to day_first or "
        "month_first."
    )
    month_first = contract.model_copy(update={"date_order": "month_first"})
    rewritten, count = rewrite_dates(frame, month_first)
    assert rewritten[contract.time].tolist() == ["2021-03-04", "2021-01-01", "2021-05-06"]
    assert count == 2


def test_clean_rows_counts_every_step(contract: ColumnsParams) -> None:
    _, second = numbers(contract)
    frame = raw_frame(contract, dirty_rows(contract))

    kept, counts = clean_rows(frame, contract)

    assert counts["rows_in"] == 19
    assert counts["missing_target"] == 2
    assert counts["duplicate_rows"] == 1
    assert counts["repeated_ids"] == 1
    assert counts["dates_rewritten_as_iso"] == 0
    assert counts["impossible_records"] == 3
    assert counts["impossible_by_column"][contract.time] == 1
    assert counts["rows_out"] == N_CLEAN
    assert sorted(kept[contract.id]) == ids(contract, list(range(N_CLEAN)))
    record_8 = kept[contract.id] == raw_row(contract, 8)[contract.id]
    assert kept.loc[record_8, second].item() == raw_row(contract, 8)[second]
    assert kept.index.tolist() == list(range(N_CLEAN))


# --- What the column steps changed.


def test_fit_steps_fits_like_the_pipeline(params: Params) -> None:
    require_exercises(1, 9)  # the cleaner clips outliers and repairs typos
    interim, _ = clean_rows(raw_frame(params.columns, dirty_rows(params.columns)), params.columns)
    features = interim[params.columns.features]
    cleaner = build_cleaner(params.columns, params.clean)

    frames = fit_steps(cleaner, features)

    expected = build_cleaner(params.columns, params.clean).fit_transform(features)
    assert len(frames) == 5
    pd.testing.assert_frame_equal(frames[-1], expected)
    pd.testing.assert_frame_equal(cleaner.transform(features), expected)


def test_the_report_finds_each_step_by_its_name(params: Params) -> None:
    require_exercises(1, 9)  # the cleaner clips outliers and repairs typos
    columns = params.columns
    features = clean_rows(raw_frame(columns, dirty_rows(columns)), columns)[0][columns.features]
    cleaner = build_cleaner(columns, params.clean)
    expected = column_report(fit_steps(cleaner, features), cleaner, columns)
    # A step added to build_cleaner (here one that parses no column) shifts the positions.
    extended = build_cleaner(columns, params.clean)
    extended.steps.insert(2, ("extra", NumericParser(columns=[])))

    report = column_report(fit_steps(extended, features), extended, columns)

    assert report == expected


# --- The run.


def write_raw(columns: ColumnsParams, rows: list[dict[str, str]]) -> None:
    """Write rows as data/raw/customers.csv (empty strings become empty cells)."""
    RAW_DATA.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=columns.all).to_csv(RAW_DATA, index=False)


def test_run_writes_typed_outputs_and_counts(project_dir: Path, params: Params) -> None:
    require_exercises(1, 9)  # the cleaner clips outliers and repairs typos
    columns = params.columns
    first, second = numbers(columns)
    category, spec = next(iter(columns.categorical.items()))
    text = columns.text[0]
    write_raw(columns, dirty_rows(columns))

    summary = run(params)

    assert summary["rows in"] == 19
    assert summary["rows out"] == N_CLEAN
    interim = pd.read_parquet(INTERIM_DATA)
    assert interim[columns.target].dtype == "int64"
    assert f"  {spec.allowed[1].upper()}" in interim[category].tolist()  # the raw text is kept
    processed = pd.read_parquet(PROCESSED_DATA)
    assert processed.columns.tolist() == columns.all
    assert processed.notna().all().all()
    assert pd.api.types.is_datetime64_any_dtype(processed[columns.time])
    assert pd.api.types.is_string_dtype(processed[columns.id])
    assert (processed[list(columns.numeric)].dtypes == "float64").all()
    assert processed[columns.target].dtype == "int64"
    assert set(processed[category]) <= set(spec.allowed)
    assert set(processed[text]) == {raw_row(columns, 0)[text], ""}

    report = json.loads(CLEANING_JSON.read_text(encoding="utf-8"))
    rows = report["rows"]
    assert (rows["missing_target"], rows["duplicate_rows"], rows["repeated_ids"]) == (2, 1, 1)
    assert rows["impossible_records"] == 3
    assert rows["impossible_by_column"][first] == 1
    assert rows["impossible_by_column"][second] == 1
    cols = report["columns"]
    assert cols[category]["normalised"] == 2  # a synonym and another spelling
    assert cols[category]["repaired"] == 0
    assert cols[category]["unknown_to_missing"] == 1
    assert cols[category]["imputed"] == 1
    assert cols[first]["parsed_from_text"] == 2
    assert cols[first]["unparseable"] == 1
    assert cols[first]["imputed"] == 1
    assert cols[second]["imputed"] == 1
    assert cols[text] == {"fill_value": "", "imputed": 6}
    # 11 distinct values (one is missing): the 1st and 99th percentiles each move one value.
    values = pd.Series([number_in(columns, second, i) for i in range(N_CLEAN) if i != 6])
    assert cols[second]["clipped"] == 2
    assert cols[second]["clip_lower"] == pytest.approx(values.quantile(0.01), abs=0.01)
    assert cols[second]["clip_upper"] == pytest.approx(values.quantile(0.99), abs=0.01)


def test_normalisation_counts_respellings_repaired_typos_and_unknowns(
    contract: ColumnsParams,
) -> None:
    require_exercises(9)  # typos are repaired by edit distance
    spec = next(iter(contract.categorical.values()))
    first, second = spec.allowed[:2]
    spellings = contract_spellings(spec)
    typo = second[0] + second[2:]  # its second letter dropped: one edit away
    before = pd.Series([first, f" {first.upper()}", typo, "Narnia", None])
    after = normalize_categories(before, spellings)

    counts = normalisation_counts(before, after, spellings)

    assert after.tolist()[:3] == [first, first, second]
    assert counts == {"normalised": 1, "repaired": 1, "unknown_to_missing": 1}


def test_run_is_deterministic(project_dir: Path, params: Params) -> None:
    require_exercises(1, 9)  # the cleaner clips outliers and repairs typos
    write_raw(params.columns, dirty_rows(params.columns))

    run(params)
    first = CLEANING_JSON.read_bytes(), PROCESSED_DATA.read_bytes()
    run(params)

    assert (CLEANING_JSON.read_bytes(), PROCESSED_DATA.read_bytes()) == first


def test_run_without_raw_data_says_what_to_run(project_dir: Path, params: Params) -> None:
    with pytest.raises(DataError, match=r"customers\.csv does not exist; run `.* data acquire`"):
        run(params)


def test_run_names_a_column_left_without_values(project_dir: Path, params: Params) -> None:
    require_exercises(1, 9)  # the cleaner clips outliers and repairs typos
    columns = params.columns
    category = next(iter(columns.categorical))
    write_raw(columns, [raw_row(columns, i, **{category: "Atlantis"}) for i in range(4)])

    with pytest.raises(DataError, match=rf"Column '{category}' of .* has no valid value"):
        run(params)

    assert not PROCESSED_DATA.exists()


def test_removing_most_rows_is_refused_and_keeps_the_previous_output(
    project_dir: Path, params: Params
) -> None:
    columns = params.columns
    PROCESSED_DATA.parent.mkdir(parents=True)
    PROCESSED_DATA.write_bytes(b"previous output")
    # 3 of 5 dates unreadable: more than half the rows would go, a misread column, not dirt.
    rows = [raw_row(columns, i, **{columns.time: "not a date"}) for i in range(3)]
    write_raw(columns, rows + [raw_row(columns, i) for i in range(3, 5)])

    with pytest.raises(DataError) as refused:
        run(params)

    assert str(refused.value) == (
        "Cleaning would remove 3 of 5 rows of data/raw/customers.csv (60.0%), more than "
        f"clean.max_removed_share (50%): 3 were impossible records, most of them by column "
        f"'{columns.time}' (3); check them against params.yaml (ranges, columns.date_order, "
        "columns.decimal), or raise clean.max_removed_share if they should go."
    )
    assert PROCESSED_DATA.read_bytes() == b"previous output"
    # At a share of 60% or more those rows may go.
    counts = clean_rows(pd.read_csv(RAW_DATA, dtype=str), columns)[1]
    assert removal_refusal(counts, 0.6) is None


def test_no_row_left_names_the_step_that_removed_most(project_dir: Path, params: Params) -> None:
    columns = params.columns
    _, second = numbers(columns)
    rows = [raw_row(columns, i, **{columns.target: ""}) for i in range(3)]
    rows += [raw_row(columns, 5, **{second: out_of_range(columns, second, "high")})] * 2
    write_raw(columns, rows)
    every_row = params.model_copy(
        update={"clean": params.clean.model_copy(update={"max_removed_share": 1.0})}
    )

    with pytest.raises(DataError) as refused:
        run(every_row)

    assert str(refused.value) == (
        "Cleaning would remove 5 of 5 rows of data/raw/customers.csv (100.0%), every row: "
        "3 had no target; check them against params.yaml (ranges, columns.date_order, "
        "columns.decimal), or raise clean.max_removed_share if they should go."
    )
