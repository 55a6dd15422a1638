"""Shared fixtures: the repository root, the CLI binary, the sample batch."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli_binary() -> Path:
    """The `cchc` binary built by `cargo test` (CCHC_BIN overrides)."""
    if os.environ.get("CCHC_BIN"):
        return Path(os.environ["CCHC_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "cchc"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cli():
    binary = cli_binary()
    if not binary.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "cchc-cli"], cwd=ROOT, check=True)
    assert binary.exists(), f"no cchc binary at {binary}"

    def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
        return subprocess.run([str(binary), *args], cwd=cwd, capture_output=True, text=True)

    return run


@pytest.fixture(scope="session")
def batch():
    """The sample batch read as the CLI reads it from the repository root (same paths)."""
    import cchc

    old = os.getcwd()
    os.chdir(ROOT)
    try:
        return cchc.read("samples", registry="samples/units.csv")
    finally:
        os.chdir(old)


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    return tmp_path
