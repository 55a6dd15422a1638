"""cchc — consolidate the administrative-reform (CCHC) reports Vietnamese public units submit.

The same engine as the ``cchc`` command line, for analysts in Jupyter. Every table
comes back as a polars DataFrame with the columns and types of the CLI's exports.

>>> import cchc
>>> batch = cchc.read("samples", registry="samples/units.csv")      # doctest: +SKIP
>>> batch.findings.filter(pl.col("severity") == "error")             # doctest: +SKIP
>>> cchc.attainment(batch, scope="district")                          # doctest: +SKIP
>>> cchc.write_report(batch, "tong-hop.xlsx")                         # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Mapping, Optional, Union

import polars as pl

from . import _cchc
from ._cchc import CatalogueError, CchcError, InputError, OutputError, RegistryError

__all__ = [
    "Batch",
    "CchcError",
    "InputError",
    "CatalogueError",
    "RegistryError",
    "OutputError",
    "read",
    "attainment",
    "write_report",
    "feedback",
    "narrative",
    "classify",
    "export",
    "targets",
    "measures",
    "template",
    "FRAMES",
]

PathLike = Union[str, "os.PathLike[str]"]

#: The normalised frames of a batch, in the order the exports list them.
FRAMES = ("dossiers", "online_services", "staffing", "indicators")


def _str(path: Optional[PathLike]) -> Optional[str]:
    return None if path is None else os.fspath(path)


class Batch:
    """A batch of submissions as read: frames, findings, units and the run's period.

    The frames are ordinary polars DataFrames; assign an edited one back
    (``batch.dossiers = fixed``) and :func:`attainment`, :func:`write_report` and
    :func:`export` use it.
    """

    def __init__(
        self, raw: "_cchc.RawBatch", targets: Optional[str], calendar: Optional[str] = None
    ) -> None:
        self._raw = raw
        self._targets = targets
        self._calendar = calendar
        self.dossiers: pl.DataFrame = pl.DataFrame(raw.frame("dossiers"))
        self.online_services: pl.DataFrame = pl.DataFrame(raw.frame("online_services"))
        self.staffing: pl.DataFrame = pl.DataFrame(raw.frame("staffing"))
        self.indicators: pl.DataFrame = pl.DataFrame(raw.frame("indicators"))
        self.findings: pl.DataFrame = pl.DataFrame(raw.frame("findings"))
        self.units: pl.DataFrame = pl.DataFrame(raw.frame("units"))
        #: One row per dossier of the batch's one-stop-shop exports, each counted once
        #: (docs/dossiers.md); days as ISO text.
        self.dossier_records: pl.DataFrame = pl.DataFrame(raw.frame("dossier_records"))
        #: Each classified period's dossiers finished late or overdue at its end.
        self.late_dossiers: pl.DataFrame = pl.DataFrame(raw.frame("late_dossiers"))

    @property
    def period(self) -> Optional[str]:
        """The report's period key (``"2022-Q1"``): the one given to :func:`read`, else the
        one most submissions state; None when no submission stated one."""
        return self._raw.period

    @property
    def periods(self) -> list[str]:
        """Every period the batch counts, in time order (each table counts in its own;
        only the one given when :func:`read` had ``period``)."""
        return list(self._raw.periods)

    def frames(self) -> dict[str, pl.DataFrame]:
        """The four normalised frames by name (``dossiers``, ``online_services``, …)."""
        return {name: getattr(self, name) for name in FRAMES}

    def __repr__(self) -> str:
        errors = self.findings.filter(pl.col("severity") == "error").height
        return (
            f"<cchc.Batch period={self.period} units={self.dossiers['unit_id'].n_unique()} "
            f"dossier_rows={self.dossiers.height} findings={self.findings.height} (errors={errors})>"
        )


def read(
    paths: Union[PathLike, Iterable[PathLike]],
    *,
    registry: Optional[PathLike] = None,
    period: Optional[str] = None,
    targets: Optional[PathLike] = None,
    calendar: Optional[PathLike] = None,
    max_file_mb: Optional[int] = None,
    max_read_seconds: Optional[int] = None,
) -> Batch:
    """Read submitted workbooks (files or folders, walked recursively) into a :class:`Batch`.

    Every period found is kept (each table in its own); ``period`` keeps only that one
    (the others become ``period.mismatch`` findings). ``calendar`` replaces the reporting
    calendar (period keys and dates, docs/contract.md §9). ``max_file_mb`` (default 20)
    and ``max_read_seconds`` (default 30) are the CLI's ``--max-file-mb`` and
    ``--max-read-seconds``: larger files get ``file.too_large``, slower ones
    ``file.unreadable``.

    Bad files never raise: they become findings (``batch.findings``). Only an input
    that cannot be used at all raises (:class:`InputError`, :class:`RegistryError`,
    :class:`CatalogueError`).

    >>> batch = cchc.read(["samples/"], registry="samples/units.csv")   # doctest: +SKIP
    >>> batch.period
    '2022-Q1'
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    raw = _cchc.read(
        [os.fspath(p) for p in paths],
        _str(registry),
        period,
        _str(targets),
        _str(calendar),
        max_file_mb,
        max_read_seconds,
    )
    return Batch(raw, _str(targets), _str(calendar))


def attainment(
    batch_or_frames: Union[Batch, Mapping[str, pl.DataFrame]],
    *,
    targets: Optional[PathLike] = None,
    scope: Optional[str] = None,
    units: Optional[pl.DataFrame] = None,
    period: Optional[str] = None,
    calendar: Optional[PathLike] = None,
) -> pl.DataFrame:
    """Attainment of every target: one row per period, scope and target, as ``attainment.csv``.

    ``period`` keeps one period; by default every period the frames hold, in time
    order, each against the units valid on its last day (``calendar`` gives the dates;
    default: the batch's, else Nghị định 09/2019/NĐ-CP).

    ``batch_or_frames`` is a :class:`Batch` or a mapping with at least ``dossiers``
    (and optionally ``online_services``, ``staffing``, ``indicators``) — frames an
    analyst may have edited or filtered. ``scope`` keeps one of ``"unit"``,
    ``"district"``, ``"province"``; by default all three. ``units`` is the registry
    frame (default: the batch's, else the embedded Hưng Yên registry). ``targets`` is
    a catalogue file in the v2 format (docs/contract.md §8; default: the batch's, else the
    embedded 2022 plan): each target's numerator and denominator are expressions over
    the measures :func:`measures` lists.

    >>> cchc.attainment(batch, scope="province").select("target_id", "value", "status")  # doctest: +SKIP
    """
    if isinstance(batch_or_frames, Batch):
        frames = batch_or_frames.frames()
        units = batch_or_frames.units if units is None else units
        targets = batch_or_frames._targets if targets is None else targets
        calendar = batch_or_frames._calendar if calendar is None else calendar
    else:
        frames = dict(batch_or_frames)
    return pl.DataFrame(
        _cchc.attainment_of(frames, units, _str(targets), scope, period, _str(calendar))
    )


def write_report(batch: Batch, path: PathLike, *, targets: Optional[PathLike] = None) -> None:
    """Write the consolidated workbook (the same as ``cchc consolidate -o``), from the
    batch's current frames.

    >>> cchc.write_report(batch, "tong-hop-quy-1.xlsx")   # doctest: +SKIP
    """
    _cchc.write_report(batch._raw, batch.frames(), os.fspath(path), _str(targets) or batch._targets)


def feedback(
    batch: Batch, dir: PathLike, *, targets: Optional[PathLike] = None
) -> list[Path]:
    """Write the feedback to units into ``dir`` (the same as ``cchc consolidate
    --feedback``): a workbook per unit that sent something — its findings, its figures
    as consolidated, its result for each target — and ``chua-nop.xlsx``, the units that
    sent nothing. Returns the files written, sorted.

    >>> [p.name for p in cchc.feedback(batch, "phan-hoi")][:1]   # doctest: +SKIP
    ['chua-nop.xlsx']
    """
    written = _cchc.write_feedback(
        batch._raw, batch.frames(), os.fspath(dir), _str(targets) or batch._targets
    )
    return [Path(p) for p in written]


def classify(
    records: pl.DataFrame, period: str, *, calendar: Optional[PathLike] = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Form A of ``period`` by unit and field computed from a ``dossier_records`` frame
    (``batch.dossier_records``, perhaps filtered), and that period's late and overdue
    dossiers: the rules of docs/dossiers.md, the period's days from the reporting
    calendar. Rows whose days or channel cannot be read are left out (a warning says
    how many).

    >>> form_a, late = cchc.classify(batch.dossier_records, "2022-Q1")   # doctest: +SKIP
    >>> form_a.columns[:4]
    ['unit_id', 'field', 'period', 'received_total']
    """
    counts, late, skipped = _cchc.classify_records(records, period, _str(calendar))
    if skipped:
        import warnings

        warnings.warn(f"{skipped} dòng không đọc được ngày hoặc hình thức nộp: bỏ qua", stacklevel=2)
    return pl.DataFrame(counts), pl.DataFrame(late)


def narrative(batch: Batch, path: PathLike, *, targets: Optional[PathLike] = None) -> None:
    """Write the period's report as a Word document (the same as ``cchc consolidate
    --narrative``): the usual outline, each section's figures in tables and sentences,
    the units that sent nothing and those missing each target, and highlighted
    placeholders for the parts the office writes.

    >>> cchc.narrative(batch, "bao-cao-quy-1.docx")   # doctest: +SKIP
    """
    _cchc.write_narrative(batch._raw, batch.frames(), os.fspath(path), _str(targets) or batch._targets)


def export(
    batch: Batch, dir: PathLike, *, targets: Optional[PathLike] = None, csv_raw: bool = False
) -> None:
    """Write ``attainment.csv``, ``findings.csv`` and every frame as CSV and Parquet
    into ``dir`` (the same as ``cchc consolidate --export``).

    CSV text is safe to open in a spreadsheet: a cell that would run as a formula
    (``=…``, ``+…``, ``-…``, ``@…``) gets a leading ``'``; ``csv_raw=True`` writes it
    exactly as read (``--csv-raw``). Parquet is always exact.

    >>> cchc.export(batch, "xuat-du-lieu")   # doctest: +SKIP
    """
    _cchc.export(
        batch._raw, batch.frames(), os.fspath(dir), _str(targets) or batch._targets, csv_raw
    )


def targets(path: Optional[PathLike] = None) -> pl.DataFrame:
    """The target catalogue (the embedded 2022 plan, or a TOML file in the v2 format),
    checked: each target's form, numerator and denominator expressions (denominator
    null for a count), comparator and threshold.

    >>> cchc.targets().select("target_id", "numerator", "denominator").head(1)   # doctest: +SKIP
    """
    return pl.DataFrame(_cchc.targets(_str(path)))


def measures() -> pl.DataFrame:
    """Every form's measures: the names a catalogue's expressions use, with their
    Vietnamese labels, the official column number (Form A) and whether the column is
    optional.

    >>> cchc.measures().filter(pl.col("form") == "A").height   # doctest: +SKIP
    16
    """
    return pl.DataFrame(_cchc.measures())


def template(
    path: PathLike,
    *,
    unit: Optional[str] = None,
    period: Optional[str] = None,
    registry: Optional[PathLike] = None,
) -> None:
    """Write the blank workbook units fill (Forms A–D and instructions).

    >>> cchc.template("mau.xlsx", unit="pgd-vanlam", period="2022-Q1")   # doctest: +SKIP
    """
    _cchc.template(os.fspath(path), unit, period, _str(registry))
