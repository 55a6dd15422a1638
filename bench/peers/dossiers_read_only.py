"""The floor under the dossier peers: only reading the CSV export, every column as text,
nothing parsed or classified. Prints the number of rows.

    python dossiers_read_only.py polars|pandas DIR/in
"""

import sys
from pathlib import Path


def main() -> None:
    engine, folder = sys.argv[1], Path(sys.argv[2])
    csvs = sorted(folder.glob("*.csv"))
    if engine == "polars":
        import polars as pl

        rows = sum(pl.read_csv(p, infer_schema=False).height for p in csvs)
    else:
        import pandas as pd

        rows = sum(len(pd.read_csv(p, dtype=str)) for p in csvs)
    print(rows)


if __name__ == "__main__":
    main()
