"""Peer (b): the Form A job with polars `read_excel` (calamine engine, via fastexcel).

    python bench/peers/polars_read_excel.py IN_DIR OUT.xlsx
"""
import sys

import polars as pl

from form_a import consolidate


def sheets(path):
    # Every sheet, no header row, every column as text: the layout is not known yet.
    frames = pl.read_excel(path, sheet_id=0, engine="calamine", has_header=False, infer_schema_length=0)
    for frame in frames.values():
        yield frame.rows()


def main(in_dir, out):
    pl.DataFrame(consolidate(in_dir, sheets)).write_excel(out, worksheet="Form A")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
