"""Writes and executes notebooks/quy_1_2022.ipynb (run from the repository root:
``python notebooks/make_notebook.py``). The notebook is committed with its outputs
so it reads well on its own; the test command executes it again."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
md = nbformat.v4.new_markdown_cell
code = nbformat.v4.new_code_cell

cells = [
    md("""# Quý I năm 2022 — consolidating the administrative-reform reports

An analyst's quarter with `cchc`: read every submission of the sample batch, look at
what the checks found, see how each unit, district and the province stands against
the twenty targets of Kế hoạch 05/KH-SGDĐT, correct a figure, recompute, and write
the consolidated workbook. Everything below runs offline on `samples/`."""),
    code("""import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import polars as pl

import cchc

pl.Config.set_tbl_rows(25)
pl.Config.set_fmt_str_lengths(60)
# The quarter alone: without `period`, every period found counts in its own (the stray
# 2021-Q4 file of samples/loi would be a second period, see docs/periods.md).
batch = cchc.read("../samples", registry="../samples/units.csv", period="2022-Q1")
batch"""),
    md("""## 1. What the checks found

Findings are data, not exceptions. Errors set a cell, a row or a file aside; the rest of
the batch is consolidated."""),
    code("""batch.findings.group_by("severity", "rule").len().sort("severity", "len", descending=[False, True])"""),
    code("""(batch.findings
 .filter(pl.col("severity") == "error")
 .select("rule", pl.col("file").str.replace("../samples/", ""), "sheet", "cell", "raw"))"""),
    md("""## 2. Attainment by district and for the province

Ratios are pooled: a district's value is Σ numerators / Σ denominators of its units,
never a mean of rates. `gap` is how many more items would meet the target."""),
    code("""att = cchc.attainment(batch)
(att.filter(pl.col("scope") == "province")
 .select("target_id", "numerator", "denominator", (pl.col("value") * 100).round(1).alias("value_%"), "comparator",
         (pl.col("threshold") * 100).alias("threshold_%"), "status", "gap"))"""),
    code("""(att.filter((pl.col("scope") == "district") & pl.col("target_id").is_in(["tthc.on_time", "tthc.early", "dvc.online_dossiers"]))
 .select("scope_id", "target_id", (pl.col("value") * 100).round(1).alias("value_%"), "status", "gap")
 .sort("target_id", "scope_id"))"""),
    md("""## 3. On-time and early rates by unit, online-service levels by district"""),
    code("""rates = (batch.dossiers.group_by("unit_name").agg(pl.col("resolved_total", "resolved_early", "resolved_on_time").sum())
         .filter(pl.col("resolved_total") > 0)
         .with_columns(on_time=(pl.col("resolved_early") + pl.col("resolved_on_time")) / pl.col("resolved_total"),
                       early=pl.col("resolved_early") / pl.col("resolved_total"))
         .sort("early"))
fig, ax = plt.subplots(figsize=(9, 6))
y = range(rates.height)
ax.barh([i + 0.2 for i in y], rates["on_time"], height=0.4, label="đúng hạn (≥ 100%)")
ax.barh([i - 0.2 for i in y], rates["early"], height=0.4, label="trước hạn (≥ 80%)")
ax.axvline(0.8, color="grey", linestyle="--", linewidth=1)
ax.set_yticks(list(y), rates["unit_name"].to_list(), fontsize=8)
ax.set_xlim(0, 1.05)
ax.set_title("Tỷ lệ hồ sơ giải quyết đúng hạn và trước hạn, Quý I/2022")
ax.legend(loc="lower right")
plt.tight_layout()"""),
    code("""levels = (batch.online_services.group_by("district")
          .agg(pl.len().alias("procedures"), (pl.col("level") == 3).mean().alias("level_3"), (pl.col("level") == 4).mean().alias("level_4"))
          .sort("district"))
fig, ax = plt.subplots(figsize=(7, 3.5))
x = range(levels.height)
ax.bar([i - 0.2 for i in x], levels["level_3"], width=0.4, label="mức độ 3 (> 50%)")
ax.bar([i + 0.2 for i in x], levels["level_4"], width=0.4, label="mức độ 4 (> 40%)")
ax.set_xticks(list(x), levels["district"].to_list())
ax.set_title("Tỷ lệ thủ tục theo mức độ DVC trực tuyến")
ax.legend()
plt.tight_layout()
levels"""),
    md("""## 4. Units that miss a target, and by how much"""),
    code("""(att.filter((pl.col("scope") == "unit") & (pl.col("status") == "not_met"))
 .select("target_id", "scope_id", (pl.col("value") * 100).round(1).alias("value_%"), "gap")
 .sort("target_id", "gap", descending=[False, True]))"""),
    md("""## 5. Correct a figure and recompute

Suppose the Văn Giang office phones in: three dossiers of its first field that it
reported as resolved on time were in fact resolved early. Edit the frame, recompute —
the same engine, no re-reading."""),
    code("""row = pl.int_range(pl.len()) == batch.dossiers.with_row_index().filter(pl.col("unit_id") == "pgd-vangiang")["index"][0]
fixed = batch.dossiers.with_columns(
    pl.when(row).then(pl.col("resolved_early") + 3).otherwise(pl.col("resolved_early")).alias("resolved_early"),
    pl.when(row).then(pl.col("resolved_on_time") - 3).otherwise(pl.col("resolved_on_time")).alias("resolved_on_time"),
)
before = att.filter((pl.col("scope") == "unit") & (pl.col("scope_id") == "pgd-vangiang") & (pl.col("target_id") == "tthc.early"))
batch.dossiers = fixed
after = cchc.attainment(batch, scope="unit").filter((pl.col("scope_id") == "pgd-vangiang") & (pl.col("target_id") == "tthc.early"))
pl.concat([before.with_columns(pl.lit("before").alias("when")), after.with_columns(pl.lit("after").alias("when"))]).select(
    "when", "numerator", "denominator", "value", "status", "gap")"""),
    md("""## 6. Write the consolidated workbook and the exports

The workbook is the one the province receives (`cchc consolidate` writes the same);
the edited frame is used."""),
    code("""out = Path(tempfile.mkdtemp())
cchc.write_report(batch, out / "tong_hop_quy_1_2022.xlsx")
cchc.export(batch, out / "xuat")
sorted(p.name for p in out.rglob("*") if p.is_file())"""),
]

nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
nbformat.write(nb, HERE / "quy_1_2022.ipynb")
print("wrote", HERE / "quy_1_2022.ipynb")
