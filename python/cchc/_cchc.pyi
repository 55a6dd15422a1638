"""Type stubs of the compiled module ``cchc._cchc``.

The public API is the pure-Python layer in ``cchc/__init__.py``; these functions are
what it calls. Frames travel as objects with ``__arrow_c_stream__`` (wrap them with
``pl.DataFrame(obj)``); frames going in may be any object with that method, such as
a polars DataFrame.
"""

from typing import Any, Mapping, Optional, Sequence

class CchcError(Exception):
    """Base of every cchc error. Findings are data (``Batch.findings``), never errors."""

class InputError(CchcError):
    """An input that cannot be used: a missing path, a bad period key, a bad scope, a
    bad calendar file (the message names line and key).

    >>> cchc.read("khong-co-thu-muc")
    Traceback (most recent call last):
    cchc.InputError: không tìm thấy khong-co-thu-muc
    """

class CatalogueError(CchcError):
    """A target catalogue file that cannot be read; the message names line and key.

    >>> cchc.targets("sai.toml")
    Traceback (most recent call last):
    cchc.CatalogueError: sai.toml: danh mục chỉ tiêu: dòng 2: chỉ tiêu `x`, khóa `comparator`: …
    """

class RegistryError(CchcError):
    """A unit registry CSV that cannot be read (missing column, repeated id, a bad date,
    an unknown successor, a cycle of successors).

    >>> cchc.read("samples", registry="thieu-cot.csv")
    Traceback (most recent call last):
    cchc.RegistryError: thieu-cot.csv: danh mục đơn vị: thiếu cột `unit_id` …
    """

class OutputError(CchcError):
    """A report, export or template that could not be written.

    >>> cchc.write_report(batch, "/khong-ghi-duoc/x.xlsx")
    Traceback (most recent call last):
    cchc.OutputError: không ghi được /khong-ghi-duoc/x.xlsx: …
    """

class ArrowStream:
    """A frame on its way to Python: ``pl.DataFrame(stream)`` reads it.

    >>> pl.DataFrame(_cchc.targets(None)).height
    20
    """

    def __arrow_c_stream__(self, requested_schema: Optional[Any] = None) -> Any:
        """The Arrow PyCapsule stream protocol: a capsule named ``arrow_array_stream``."""
    def __len__(self) -> int:
        """Rows in the frame."""

class RawBatch:
    """A batch as read by Rust; ``cchc.Batch`` wraps it.

    >>> raw = _cchc.read(["samples"], "samples/units.csv", None, None)
    >>> pl.DataFrame(raw.frame("dossiers")).height
    46
    """

    @property
    def period(self) -> Optional[str]:
        """The report's period key (``"2022-Q1"``), or None."""
    @property
    def periods(self) -> list[str]:
        """Every period with a counted submission, in time order.

        >>> raw.periods
        ['2021-Q4', '2022-Q1']
        """
    def frame(self, name: str) -> ArrowStream:
        """One of ``dossiers``, ``online_services``, ``staffing``, ``indicators``,
        ``findings``, ``units``, ``dossier_records``, ``late_dossiers``.

        >>> pl.DataFrame(raw.frame("findings")).columns
        ['severity', 'rule', 'file', 'sheet', 'cell', 'message', 'raw']
        """
    def catalogue_plan(self) -> str:
        """The plan the catalogue comes from."""

def read(
    paths: Sequence[str],
    registry: Optional[str] = None,
    period: Optional[str] = None,
    targets: Optional[str] = None,
    calendar: Optional[str] = None,
    max_file_mb: Optional[int] = None,
    max_read_seconds: Optional[int] = None,
) -> RawBatch:
    """Read files and folders into a batch; every period found counts unless ``period``
    keeps one. ``calendar`` is a reporting calendar TOML (default: Nghị định 09/2019);
    ``max_file_mb`` and ``max_read_seconds`` the reading limits (default 20 MB, 30 s).

    >>> raw = _cchc.read(["samples"], "samples/units.csv", "2022-Q1", None)
    >>> raw.period
    '2022-Q1'
    """

def attainment_of(
    frames: Mapping[str, Any],
    units: Optional[Any] = None,
    targets: Optional[str] = None,
    scope: Optional[str] = None,
    period: Optional[str] = None,
    calendar: Optional[str] = None,
) -> ArrowStream:
    """Attainment from frames (``dossiers`` required), a registry frame, a catalogue
    path, a scope filter (``unit``, ``district``, ``province``), a period key (None:
    every period the frames hold) and a calendar path.

    >>> pl.DataFrame(_cchc.attainment_of({"dossiers": batch.dossiers}, batch.units, None, "province", "2022-Q1", None)).height
    20
    """

def write_report(batch: RawBatch, frames: Mapping[str, Any], path: str, targets: Optional[str] = None) -> None:
    """Write the consolidated workbook from a batch and its (possibly edited) frames.

    >>> _cchc.write_report(batch._raw, batch.frames(), "tong-hop.xlsx", None)
    """

def write_feedback(batch: RawBatch, frames: Mapping[str, Any], dir: str, targets: Optional[str] = None) -> list[str]:
    """Write the feedback workbooks (one per unit that sent something, ``chua-nop.xlsx``)
    into ``dir``; their paths.

    >>> _cchc.write_feedback(batch._raw, batch.frames(), "phan-hoi", None)
    """

def classify_records(records: Any, period: str, calendar: Optional[str] = None) -> tuple[ArrowStream, ArrowStream, int]:
    """Form A by unit and field and the late dossiers of ``period`` from a
    ``dossier_records`` frame; the number of rows left out.

    >>> counts, late, skipped = _cchc.classify_records(batch.dossier_records, "2022-Q1")
    """

def write_narrative(batch: RawBatch, frames: Mapping[str, Any], path: str, targets: Optional[str] = None) -> None:
    """Write the period's Word report (``--narrative``) from a batch and its frames.

    >>> _cchc.write_narrative(batch._raw, batch.frames(), "bao-cao.docx", None)
    """

def export(batch: RawBatch, frames: Mapping[str, Any], dir: str, targets: Optional[str] = None, csv_raw: bool = False) -> None:
    """Write the CLI's exports into ``dir`` (CSV text safe to open unless ``csv_raw``).

    >>> _cchc.export(batch._raw, batch.frames(), "xuat", None)
    """

def targets(path: Optional[str] = None) -> ArrowStream:
    """The target catalogue (embedded 2022 plan, or a TOML file).

    >>> pl.DataFrame(_cchc.targets(None))["target_id"][0]
    'tthc.on_time'
    """

def measures() -> ArrowStream:
    """Every form's measures (form, measure, label, column, optional).

    >>> pl.DataFrame(_cchc.measures())["measure"][0]
    'received_total'
    """

def template(path: str, unit: Optional[str] = None, period: Optional[str] = None, registry: Optional[str] = None) -> None:
    """Write the blank template units fill.

    >>> _cchc.template("mau.xlsx", "pgd-vanlam", "2022-Q1", None)
    """
