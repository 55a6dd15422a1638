"""Peer (a): the Form A job with pandas + openpyxl.

    python bench/peers/pandas_openpyxl.py IN_DIR OUT.xlsx
"""
import sys

import pandas as pd

from form_a import consolidate


def sheets(path):
    for frame in pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl").values():
        yield frame.astype(object).where(frame.notna(), None).values.tolist()


def main(in_dir, out):
    pd.DataFrame(consolidate(in_dir, sheets)).to_excel(out, index=False, sheet_name="Form A", engine="openpyxl")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
