"""A throwaway PostgreSQL server for the team-stack test: its own user, folder, port and socket.

PostgreSQL refuses to run as root, so when the tests run as root (CI does) the server runs as
the `postgres` user that Debian's package creates, in a folder that user owns; otherwise it runs
as whoever runs the tests. It listens on 127.0.0.1 only, trusts local connections (no password
to leave lying around), and skips fsync: the data is thrown away with the folder.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

MISSING = "the team-stack test needs a PostgreSQL server (initdb/pg_ctl)"


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: Debian's versioned one first, then the PATH."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all((Path(folder) / tool).exists() for tool in ("initdb", "pg_ctl", "createdb")):
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found and shutil.which("pg_ctl") else None


def as_owner() -> list[str]:
    """The prefix that runs a command as the server's owner: `postgres` when we are root."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@dataclass
class Postgres:
    """A running server: where it lives and how to reach it."""

    binaries: Path
    folder: Path
    port: int

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of one of its databases (psycopg 3)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, tool: str, *arguments: str) -> str:
        """Run one of its tools as its owner; its output, or an error with the server's log."""
        done = subprocess.run(
            [*as_owner(), str(self.binaries / tool), *arguments],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise AssertionError(f"{tool} failed: {done.stdout}{done.stderr}\n{tail}")
        return done.stdout

    def start(self) -> None:
        """Create the cluster and start the server; wait (bounded) until it accepts connections."""
        data = str(self.folder / "data")
        self.run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F"
        log = str(self.folder / "server.log")
        self.run("pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start")

    def create_database(self, name: str) -> None:
        """An empty database owned by the postgres user."""
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def query(self, database: str, sql: str) -> str:
        """One SQL statement's result, unaligned (psql -tA)."""
        psql = self.binaries / "psql"
        tool = "psql" if psql.exists() else shutil.which("psql")
        args = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database]
        return self.run(str(tool), *args, "-tAc", sql).strip()

    def stop(self) -> None:
        """Stop the server (fast: sessions are cut) and remove its folder."""
        try:
            self.run(
                "pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "-t", "30", "stop"
            )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def new_server(binaries: Path, port: int) -> Postgres:
    """A server in a new folder under the system's temporary folder, owned by its user.

    Not under pytest's tmp_path: that folder is private to the user running the tests, and
    the `postgres` user could not enter it.
    """
    folder = Path(tempfile.mkdtemp(prefix="team-stack-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    return Postgres(binaries, folder, port)
