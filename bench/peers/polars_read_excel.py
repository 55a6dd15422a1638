"""Peer (b): the Form A job with polars `read_excel` (calamine engine, via fastexcel).

    python bench/peers/polars_read_excel.py IN_DIR OUT.xlsx
"""
import os
import sys

import polars as pl

from form_a import MEASURES, form_a_sums, rates


def main(in_dir, out):
    records = []
    for name in sorted(os.listdir(in_dir)):
        if not name.endswith(".xlsx"):
            continue
        # Every sheet, no header row, every column as text: the layout is not known yet.
        sheets = pl.read_excel(os.path.join(in_dir, name), sheet_id=0, engine="calamine", has_header=False,
                               infer_schema_length=0)
        for frame in sheets.values():
            sums = form_a_sums(frame.rows())
            if sums is not None:
                on_time, early = rates(sums)
                records.append({"file": name, **dict(zip(MEASURES, sums)), "on_time_rate": on_time,
                                "early_rate": early})
                break
    pl.DataFrame(records).write_excel(out, worksheet="Form A")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
