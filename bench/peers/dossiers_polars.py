"""Form A of 2022-Q1 by unit and field from a dossier export, the way an analyst would
write it in polars: read the CSV (or every xlsx with the calamine engine), parse the
days, classify with expressions, group. The same rules as docs/dossiers.md; the
agency column is mapped to the generator's unit ids. Prints the rows it computed.

    python dossiers_polars.py DIR/in [OUT.csv]      (stdout without OUT.csv)
"""

import sys
from pathlib import Path

import polars as pl

START, END = pl.date(2021, 12, 15), pl.date(2022, 3, 14)


def read(folder: Path) -> pl.DataFrame:
    csvs = sorted(folder.glob("*.csv"))
    if csvs:
        return pl.concat([pl.read_csv(p, infer_schema_length=0) for p in csvs])
    frames = [pl.read_excel(p, engine="calamine", read_options={"header_row": 2}, infer_schema_length=0) for p in sorted(folder.glob("*.xlsx"))]
    return pl.concat(frames)


def main() -> None:
    df = read(Path(sys.argv[1]))
    day = lambda c: pl.col(c).str.slice(0, 10).str.strptime(pl.Date, "%d/%m/%Y", strict=False)
    d = df.select(
        pl.col("Cơ quan giải quyết").str.replace("Trường THPT Số ", "thpt-").alias("unit_id"),
        pl.col("Lĩnh vực").alias("field"),
        day("Ngày tiếp nhận").alias("received"),
        day("Ngày hẹn trả").alias("due"),
        day("Ngày có kết quả").alias("finished"),
        (pl.col("Hình thức nộp") == "Trực tuyến").alias("online"),
    )
    in_period = (pl.col("received") >= START) & (pl.col("received") <= END)
    carried = (pl.col("received") < START) & (pl.col("finished").is_null() | (pl.col("finished") >= START))
    done = pl.col("finished").is_not_null() & (pl.col("finished") <= END)
    d = d.filter(in_period | carried).with_columns(in_period.alias("p"), done.alias("done"))
    s = lambda e: e.cast(pl.Int64).sum()
    out = d.group_by("unit_id", "field").agg(
        pl.len().alias("received_total"),
        s(pl.col("p") & pl.col("online")).alias("received_online"),
        s(pl.col("p") & ~pl.col("online")).alias("received_direct"),
        s(~pl.col("p")).alias("carried_over"),
        s(pl.col("done")).alias("resolved_total"),
        s(pl.col("done") & (pl.col("finished") < pl.col("due"))).alias("resolved_early"),
        s(pl.col("done") & (pl.col("finished") == pl.col("due"))).alias("resolved_on_time"),
        s(pl.col("done") & (pl.col("finished") > pl.col("due"))).alias("resolved_late"),
        s(~pl.col("done")).alias("pending_total"),
        s(~pl.col("done") & (pl.col("due") >= END)).alias("pending_in_time"),
        s(~pl.col("done") & (pl.col("due") < END)).alias("pending_overdue"),
    ).sort("unit_id", "field")
    out.write_csv(sys.argv[2] if len(sys.argv) > 2 else sys.stdout)


if __name__ == "__main__":
    main()
