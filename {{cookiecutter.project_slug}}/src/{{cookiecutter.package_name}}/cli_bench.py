"""The benchmark commands (`bench ...`): time and memory of the stages, the threads, the service."""

from __future__ import annotations

from typing import Annotated

import typer

from {{ cookiecutter.package_name }}.terminal import console

bench_app = typer.Typer(help="Benchmarks: time and memory of the stages.", no_args_is_help=True)


# [api]
@bench_app.command("serve")
def bench_serve(
    sequential: Annotated[
        int, typer.Option(help="Requests sent one at a time to each server.")
    ] = 500,
    concurrent: Annotated[
        int, typer.Option(help="Requests sent 16 at a time to each server.")
    ] = 2000,
    workers: Annotated[
        list[int] | None, typer.Option(help="Worker processes of each server (repeat: 1 and 2).")
    ] = None,
    wrk_seconds: Annotated[int, typer.Option(help="Seconds of each wrk run, if installed.")] = 10,
) -> None:
    """This service, `mlflow models serve` and a bare FastAPI app: latency, throughput, start-up."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.serving import benchmark

    benchmark.run(load_params(), sequential, concurrent, console, workers or [1, 2], wrk_seconds)


# [monitoring]
@bench_app.command("monitor")
def bench_monitor(
    rows: Annotated[
        list[int] | None, typer.Argument(help="Window sizes to time the check on.")
    ] = None,
    seeds: Annotated[int, typer.Option(min=1, help="Drift-free windows to check.")] = 100,
    n: Annotated[int, typer.Option(min=100, help="Customers per drift-free window.")] = 1000,
) -> None:
    """The monitor's false-alarm rate on drift-free traffic, and its time at 10k/100k rows."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.monitoring import benchmark

    benchmark.run(load_params(), seeds, n, rows or [10_000, 100_000], console)
# [/monitoring]
# [/api]


@bench_app.command("data")
def bench_data(
    rows: Annotated[list[int], typer.Argument(help="Data set sizes to measure, in rows.")],
) -> None:
    """Time acquire + validate + clean and measure peak memory at each size."""
    from {{ cookiecutter.package_name }} import bench
    from {{ cookiecutter.package_name }}.config import load_params

    bench.run_data_bench(load_params(), rows, console)


@bench_app.command("model")
def bench_model(
    rows: Annotated[list[int], typer.Argument(help="Data set sizes for the fits, in rows.")],
) -> None:
    """Time one fit of every algorithm at each size, and the train stage's overhead."""
    from {{ cookiecutter.package_name }} import bench
    from {{ cookiecutter.package_name }}.config import load_params

    bench.run_model_bench(load_params(), rows, console)


@bench_app.command("threads")
def bench_threads(
    rows: Annotated[int, typer.Option(min=100, help="Rows of the timed fit.")] = 10_000,
    iterations: Annotated[int, typer.Option(min=1, help="Boosting iterations.")] = 50,
    repeats: Annotated[int, typer.Option(min=1, help="Fits per figure (the best counts).")] = 3,
) -> None:
    """A fit alone and beside another OpenMP job, with one thread and with the default."""
    from {{ cookiecutter.package_name }} import threads_benchmark

    threads_benchmark.run(rows, iterations, repeats, console)
