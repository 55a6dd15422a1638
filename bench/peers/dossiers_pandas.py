"""Form A of 2022-Q1 by unit and field from a dossier export, the way an analyst would
write it in pandas (openpyxl for xlsx): the same rules as docs/dossiers.md. Prints the
rows it computed.

    python dossiers_pandas.py DIR/in [OUT.csv]      (stdout without OUT.csv)
"""

import sys
from pathlib import Path

import pandas as pd

START, END = pd.Timestamp(2021, 12, 15), pd.Timestamp(2022, 3, 14)


def read(folder: Path) -> pd.DataFrame:
    csvs = sorted(folder.glob("*.csv"))
    if csvs:
        return pd.concat([pd.read_csv(p, dtype=str) for p in csvs])
    return pd.concat([pd.read_excel(p, header=2, dtype=str, engine="openpyxl") for p in sorted(folder.glob("*.xlsx"))])


def main() -> None:
    df = read(Path(sys.argv[1]))
    day = lambda c: pd.to_datetime(df[c].str.slice(0, 10), format="%d/%m/%Y", errors="coerce")
    d = pd.DataFrame({
        "unit_id": df["Cơ quan giải quyết"].str.replace("Trường THPT Số ", "thpt-", regex=False),
        "field": df["Lĩnh vực"],
        "received": day("Ngày tiếp nhận"),
        "due": day("Ngày hẹn trả"),
        "finished": day("Ngày có kết quả"),
        "online": df["Hình thức nộp"] == "Trực tuyến",
    })
    in_period = (d.received >= START) & (d.received <= END)
    carried = (d.received < START) & (d.finished.isna() | (d.finished >= START))
    d = d[in_period | carried].copy()
    d["p"] = (d.received >= START)
    d["done"] = d.finished.notna() & (d.finished <= END)
    d["received_total"] = 1
    d["received_online"] = d.p & d.online
    d["received_direct"] = d.p & ~d.online
    d["carried_over"] = ~d.p
    d["resolved_total"] = d.done
    d["resolved_early"] = d.done & (d.finished < d.due)
    d["resolved_on_time"] = d.done & (d.finished == d.due)
    d["resolved_late"] = d.done & (d.finished > d.due)
    d["pending_total"] = ~d.done
    d["pending_in_time"] = ~d.done & (d.due >= END)
    d["pending_overdue"] = ~d.done & (d.due < END)
    cols = ["received_total", "received_online", "received_direct", "carried_over", "resolved_total",
            "resolved_early", "resolved_on_time", "resolved_late", "pending_total", "pending_in_time", "pending_overdue"]
    out = d.groupby(["unit_id", "field"])[cols].sum().astype(int).reset_index().sort_values(["unit_id", "field"])
    out.to_csv(sys.argv[2] if len(sys.argv) > 2 else sys.stdout, index=False)


if __name__ == "__main__":
    main()
