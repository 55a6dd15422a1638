"""Peer (a): the Form A job with pandas + openpyxl.

    python bench/peers/pandas_openpyxl.py IN_DIR OUT.xlsx
"""
import os
import sys

import pandas as pd

from form_a import MEASURES, form_a_sums, rates


def main(in_dir, out):
    records = []
    for name in sorted(os.listdir(in_dir)):
        if not name.endswith(".xlsx"):
            continue
        sheets = pd.read_excel(os.path.join(in_dir, name), sheet_name=None, header=None, engine="openpyxl")
        for frame in sheets.values():
            rows = frame.astype(object).where(frame.notna(), None).values.tolist()
            sums = form_a_sums(rows)
            if sums is not None:
                on_time, early = rates(sums)
                records.append({"file": name, **dict(zip(MEASURES, sums)), "on_time_rate": on_time,
                                "early_rate": early})
                break
    pd.DataFrame(records).to_excel(out, index=False, sheet_name="Form A", engine="openpyxl")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
