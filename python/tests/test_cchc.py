"""The Python module against hand-computed figures, the CLI's exports, and its errors.

Expected figures come from samples/expected.json (the sample generator's own
numbers) or from arithmetic written out here; never from cchc itself.
"""

import json
import math
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import cchc

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((ROOT / "samples" / "expected.json").read_text(encoding="utf-8"))
MEASURES = EXPECTED["measures"]
# Form A's optional columns, in the order of crates/cchc-domain/data/forms.toml.
OPTIONAL = ["received_online_full", "received_online_partial", "received_in_person", "received_postal", "resolved_late_apologised"]


def test_frames_have_the_export_columns(batch):
    assert batch.period == "2022-Q1"
    # Every period found counts in its own: the stray 2021-Q4 file of samples/loi too.
    assert batch.periods == ["2021-Q4", "2022-Q1"]
    assert batch.dossiers.columns == ["unit_id", "unit_name", "district", "period", "field", *MEASURES, *OPTIONAL, "source", "source_file", "sheet", "cell"]
    assert all(batch.dossiers.schema[m] == pl.Int64 for m in MEASURES + OPTIONAL)
    assert batch.findings.columns == ["severity", "rule", "file", "sheet", "cell", "message", "raw"]
    assert batch.units.columns == ["unit_id", "name", "kind", "district", "aliases", "valid_from", "valid_to", "successor"]
    assert batch.online_services.schema["eligible_34"] == pl.Boolean
    assert batch.indicators.schema["numerator"] == pl.Float64


def test_dossier_sums_match_the_generator(batch):
    def sums_of(period):
        rows = batch.dossiers.filter(pl.col("period") == period)
        sums = rows.group_by("unit_id").agg(pl.col(m).sum() for m in MEASURES).sort("unit_id")
        return {r["unit_id"]: [r[m] for m in MEASURES] for r in sums.iter_rows(named=True)}

    assert sums_of("2022-Q1") == EXPECTED["units"]
    for period, units in EXPECTED["other_periods"].items():
        assert sums_of(period) == units


def test_optional_columns_are_null_where_a_table_lacks_them(batch):
    d = batch.dossiers
    carried = d.filter(pl.col("received_online_full").is_not_null())
    assert sorted(carried["unit_id"].unique().to_list()) == sorted(EXPECTED["optional"])
    for unit, sums in EXPECTED["optional"].items():
        rows = d.filter(pl.col("unit_id") == unit)
        for m, v in sums.items():
            assert rows[m].sum() == v, (unit, m)
    # The one-stop export has no column (5): received_direct = in person + postal.
    onestop = d.filter(pl.col("unit_id") == "thpt-chuyenhungyen")
    assert (onestop["received_direct"] == onestop["received_in_person"] + onestop["received_postal"]).all()


def test_targets_and_measures_are_data(workdir):
    t = cchc.targets()
    online = t.filter(pl.col("target_id") == "dvc.online_dossiers").row(0, named=True)
    assert (online["numerator"], online["denominator"]) == ("received_online", "received_online + received_direct")
    m = cchc.measures()
    assert m.columns == ["form", "measure", "label", "column", "optional"]
    a = m.filter(pl.col("form") == "A")
    assert a["measure"].to_list() == MEASURES + OPTIONAL
    assert a.filter(pl.col("optional"))["measure"].to_list() == OPTIONAL
    assert a["column"].to_list()[:11] == list(range(3, 14))
    # A v2 catalogue over an optional measure: no data where a unit's table lacks it.
    plan = workdir / "2026.toml"
    plan.write_text(
        'plan = "P"\nyear = 2026\n[[target]]\nid = "toan-trinh"\nplan_ref = "1"\nname = "n"\nwording = "w"\n'
        'form = "A"\nnumerator = "received_online_full"\ndenominator = "received_total - carried_over"\n'
        'comparator = ">="\nthreshold = "50%"\n',
        encoding="utf-8",
    )
    t = cchc.targets(plan)
    assert t["denominator"].to_list() == ["received_total - carried_over"]
    import os
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        b = cchc.read("samples", registry="samples/units.csv", targets=plan)
    finally:
        os.chdir(old)
    att = cchc.attainment(b, scope="unit", period="2022-Q1")
    row = att.filter(pl.col("scope_id") == "pgd-tphungyen").row(0, named=True)
    a = EXPECTED["units"]["pgd-tphungyen"]
    full = EXPECTED["optional"]["pgd-tphungyen"]["received_online_full"]
    assert (row["numerator"], row["denominator"]) == (full, a[0] - a[3])
    assert row["gap"] == max(0, math.ceil((a[0] - a[3]) / 2) - full)
    assert att.filter(pl.col("scope_id") == "pgd-vanlam")["status"].to_list() == ["no_data"]
    # The same catalogue given to attainment() over the default batch's frames.
    again = cchc.attainment(b.frames(), units=b.units, targets=plan, scope="unit", period="2022-Q1")
    assert again.filter(pl.col("scope_id") == "pgd-tphungyen")["numerator"].to_list() == [full]


def test_form_b_counts_match_the_generator(batch):
    s = batch.online_services
    l34 = pl.col("level").is_in([3, 4])
    counts = s.group_by("unit_id").agg(
        pl.len().alias("listed"),
        (pl.col("level") == 3).sum().alias("l3"),
        (pl.col("level") == 4).sum().alias("l4"),
        l34.sum().alias("l34"),
        (l34 & pl.col("on_national_portal")).sum().alias("portal"),
        pl.col("eligible_34").sum().alias("eligible"),
        (l34 & pl.col("eligible_34")).sum().alias("eligible_l34"),
    )
    got = {r[0]: list(r[1:]) for r in counts.sort("unit_id").iter_rows()}
    assert got == EXPECTED["b"]


def test_attainment_by_hand(batch):
    """Province early rate: Σ early / Σ resolved over every unit, by hand."""
    early = sum(v[5] for v in EXPECTED["units"].values())
    resolved = sum(v[4] for v in EXPECTED["units"].values())
    every = cchc.attainment(batch, scope="province")
    assert every["period"].unique(maintain_order=True).to_list() == ["2021-Q4", "2022-Q1"]
    row = cchc.attainment(batch, scope="province", period="2022-Q1").filter(pl.col("target_id") == "tthc.early").row(0, named=True)
    assert (row["numerator"], row["denominator"]) == (early, resolved)
    assert row["status"] == ("met" if early * 10 >= 8 * resolved else "not_met")
    assert row["gap"] == max(0, math.ceil(0.8 * resolved - early - 1e-9))


def test_edited_frame_recomputes(batch):
    """An analyst corrects one row: three more early dossiers, three fewer on time."""
    q1 = pl.col("period") == "2022-Q1"
    before = cchc.attainment(batch, scope="province").filter(q1 & (pl.col("target_id") == "tthc.early")).row(0, named=True)
    first = batch.dossiers.row(0, named=True)
    assert first["period"] == "2022-Q1"
    fixed = batch.dossiers.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.col("resolved_early") + 3).otherwise(pl.col("resolved_early")).alias("resolved_early"),
    )
    frames = {**batch.frames(), "dossiers": fixed}
    after = cchc.attainment(frames, units=batch.units, scope="province").filter(q1 & (pl.col("target_id") == "tthc.early")).row(0, named=True)
    assert after["numerator"] == before["numerator"] + 3
    assert after["denominator"] == before["denominator"]
    assert first["resolved_early"] + 3 == fixed.row(0, named=True)["resolved_early"]


def test_filtered_district(batch):
    """Keeping one district's rows: the province equals that district."""
    only = batch.dossiers.filter(pl.col("district") == "Văn Lâm")
    frames = {"dossiers": only}
    att = cchc.attainment(frames, units=batch.units)
    prov = att.filter((pl.col("scope") == "province") & (pl.col("target_id") == "tthc.early")).row(0, named=True)
    dist = att.filter((pl.col("scope") == "district") & (pl.col("scope_id") == "Văn Lâm") & (pl.col("target_id") == "tthc.early")).row(0, named=True)
    units = [u for u in EXPECTED["units"] if u in ("pgd-vanlam", "thpt-vanlam", "thpt-trungvuong")]
    assert prov["numerator"] == dist["numerator"] == sum(EXPECTED["units"][u][5] for u in units)
    assert att.filter(pl.col("scope") == "district").filter(pl.col("scope_id") == "Tiên Lữ")["status"].unique().to_list() == ["no_data"]


def test_read_equals_cli_export(batch, cli, workdir):
    out = cli("consolidate", "samples", "-o", str(workdir / "r.xlsx"), "--registry", "samples/units.csv", "--export", str(workdir / "e"))
    assert out.returncode == 1, out.stderr
    for name in ("dossiers", "online_services", "staffing", "indicators"):
        assert_frame_equal(getattr(batch, name), pl.read_parquet(workdir / "e" / f"{name}.parquet"))
    # attainment.csv row for row: same keys and statuses, numbers equal to 1e-9.
    csv = pl.read_csv(workdir / "e" / "attainment.csv", infer_schema_length=0)
    ours = cchc.attainment(batch)
    assert ours.height == csv.height
    for a, b in zip(ours.iter_rows(named=True), csv.iter_rows(named=True)):
        for key in ("scope", "scope_id", "period", "target_id", "comparator", "status"):
            assert a[key] == b[key], (key, a, b)
        for key in ("numerator", "denominator", "value", "threshold", "gap"):
            if a[key] is None:
                assert b[key] is None, (key, a, b)
            else:
                assert abs(float(a[key]) - float(b[key])) < 1e-9, (key, a, b)
    findings = pl.read_csv(workdir / "e" / "findings.csv", infer_schema_length=0).fill_null("")
    assert_frame_equal(batch.findings, findings)


def test_partitioned_parquet_reads_as_one_dataset(batch, cli, workdir):
    """The Hive tree an engine scans: the same rows as the flat file, with `period` and
    `province` from the directory names, sorted by unit."""
    out = cli("consolidate", "samples", "-o", str(workdir / "r.xlsx"), "--registry", "samples/units.csv", "--export", str(workdir / "h"))
    assert out.returncode == 1, out.stderr
    part = workdir / "h" / "parquet" / "dossiers" / "period=2022-Q1" / "province=hung-yen" / "part-0.parquet"
    assert part.exists()
    for name in cchc.FRAMES:
        flat = pl.read_parquet(workdir / "h" / f"{name}.parquet")
        hive = pl.scan_parquet(workdir / "h" / "parquet" / name / "**" / "*.parquet", hive_partitioning=True).collect()
        assert hive["province"].unique().to_list() == ["hung-yen"]
        periods = sorted(hive["period"].cast(pl.String).unique().to_list())
        # The stray 2021-Q4 file of samples/loi has Form A only.
        assert periods == (["2021-Q4", "2022-Q1"] if name == "dossiers" else ["2022-Q1"])
        for period in periods:
            units = hive.filter(pl.col("period").cast(pl.String) == period)["unit_id"].to_list()
            assert units == sorted(units)
        same = hive.select(flat.columns).sort(["unit_id", "source_file", "sheet", "cell"])
        assert_frame_equal(same, flat.sort(["unit_id", "source_file", "sheet", "cell"]), check_dtypes=False)


def test_report_export_template_targets(batch, workdir):
    cchc.write_report(batch, workdir / "report.xlsx")
    assert (workdir / "report.xlsx").stat().st_size > 10_000
    cchc.export(batch, workdir / "out")
    assert sorted(p.name for p in (workdir / "out").iterdir()) == sorted(
        ["attainment.csv", "findings.csv", "parquet"] + [f"{n}.{e}" for n in cchc.FRAMES for e in ("csv", "parquet")]
    )
    t = cchc.targets()
    assert t.height == 20
    assert t.filter(pl.col("target_id") == "dvc.level3").row(0, named=True)["comparator"] == ">"
    cchc.template(workdir / "mau.xlsx", unit="pgd-vanlam", period="2022-Q1")
    blank = cchc.read(workdir / "mau.xlsx")
    assert blank.period == "2022-Q1"
    assert blank.findings.filter(pl.col("rule") != "submission.missing").height == 0


def test_errors_are_cchc_errors(workdir):
    with pytest.raises(cchc.InputError, match="không tìm thấy"):
        cchc.read(workdir / "nowhere")
    with pytest.raises(cchc.InputError):
        cchc.read(ROOT / "samples", period="2022-Q5")
    bad = workdir / "targets.toml"
    bad.write_text('[[target]]\nid = "x"\nplan_ref = "MT"\nname = "n"\nwording = "w"\ncomparator = "~"\nthreshold = "0.5"\nform = "A"\n')
    with pytest.raises(cchc.CatalogueError, match="dòng 6.*comparator"):
        cchc.targets(bad)
    reg = workdir / "units.csv"
    reg.write_text("id,name\n")
    with pytest.raises(cchc.RegistryError):
        cchc.read(ROOT / "samples", registry=reg)
    with pytest.raises(cchc.InputError, match="dossiers"):
        cchc.attainment({}, scope="unit")
    with pytest.raises(cchc.InputError, match="scope"):
        cchc.attainment({"dossiers": pl.DataFrame()}, scope="world")
    for e in (cchc.InputError, cchc.CatalogueError, cchc.RegistryError, cchc.OutputError):
        assert issubclass(e, cchc.CchcError)


def test_help_reads_well():
    assert "Batch" in (cchc.read.__doc__ or "")
    assert "scope" in (cchc.attainment.__doc__ or "")


def test_stubs_match_the_module():
    """Every class and function the .pyi documents exists in the compiled module, and
    every public name of the module is documented."""
    import ast

    import cchc._cchc as m

    tree = ast.parse((ROOT / "python" / "cchc" / "_cchc.pyi").read_text(encoding="utf-8"))
    documented = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    public = {n for n in dir(m) if not n.startswith("_")}
    assert documented <= public, documented - public
    assert public <= documented, public - documented


def test_periods_registry_history_and_calendar(workdir):
    """Several periods, a registry with a merger, a replaced calendar — figures by hand."""
    units = workdir / "units.csv"
    units.write_text(
        "unit_id,name,kind,district,aliases,valid_from,valid_to,successor\n"
        "thpt-cu,Trường THPT Cổ Lễ,school,X,,,2025-06-30,thpt-moi\n"
        "thpt-moi,Trường THPT Hải Hậu,school,,,2025-07-01,,\n",
        encoding="utf-8",
    )
    # The sample THPT Văn Lâm report, renamed for each period, is read under the old
    # name: its figures are the generator's for thpt-vanlam.
    src = ROOT / "samples" / "THPT_VanLam_Q1_2022.xlsx"
    raw = cchc.read(src, registry=units)
    assert raw.periods == []  # Trường THPT Văn Lâm is no unit of this registry
    # Frames with periods and units of our own: the merger counts for the successor.
    d = pl.DataFrame(
        {
            "unit_id": ["thpt-moi", "thpt-moi", "thpt-moi"],
            "period": ["2026-Q1", "2026-Q2", "2025-Q2"],
            **{m: [0, 0, 0] for m in MEASURES},
        }
    ).with_columns(
        resolved_total=pl.Series([10, 20, 4]),
        resolved_early=pl.Series([9, 10, 1]),
        resolved_on_time=pl.Series([1, 5, 1]),
    )
    reg = pl.DataFrame(
        {
            "unit_id": ["thpt-cu", "thpt-moi"],
            "name": ["Trường THPT Cổ Lễ", "Trường THPT Hải Hậu"],
            "kind": ["school", "school"],
            "district": ["X", ""],
            "aliases": ["", ""],
            "valid_from": ["", "2025-07-01"],
            "valid_to": ["2025-06-30", ""],
            "successor": ["thpt-moi", ""],
        }
    )
    att = cchc.attainment({"dossiers": d}, units=reg, scope="unit")
    on_time = att.filter(pl.col("target_id") == "tthc.on_time")
    # Every period of the frames, in time order, each against the units valid then
    # (and any unit the frames give figures for: an analyst's rows are never dropped).
    assert on_time.select("period", "scope_id", "numerator", "denominator").rows() == [
        ("2025-Q2", "thpt-cu", None, None),
        ("2025-Q2", "thpt-moi", 2.0, 4.0),
        ("2026-Q1", "thpt-moi", 10.0, 10.0),
        ("2026-Q2", "thpt-moi", 15.0, 20.0),
    ]
    one = cchc.attainment({"dossiers": d}, units=reg, scope="unit", period="2026-Q2")
    assert one["period"].unique().to_list() == ["2026-Q2"]
    # A calendar without months refuses a month key; a bad one names its line.
    cal = workdir / "lich.toml"
    cal.write_text('[[period]]\nkey = "Q1"\nfrom = "01/01/Y"\nto = "31/03/Y"\n', encoding="utf-8")
    with pytest.raises(cchc.InputError, match="2026-M03"):
        cchc.attainment({"dossiers": d}, units=reg, period="2026-M03", calendar=cal)
    bad = workdir / "hong.toml"
    bad.write_text('[[period]]\nkey = "Q9"\nfrom = "01/01/Y"\nto = "31/03/Y"\n', encoding="utf-8")
    with pytest.raises(cchc.InputError, match="dòng 2"):
        cchc.read(src, calendar=bad)
    # A cycle of successors is a registry error naming the rows.
    cyc = workdir / "cycle.csv"
    cyc.write_text(
        "unit_id,name,kind,district,aliases,valid_from,valid_to,successor\n"
        "a,Trường THPT A,school,,,,2025-06-30,b\nb,Trường THPT B,school,,,,2025-12-31,a\n",
        encoding="utf-8",
    )
    with pytest.raises(cchc.RegistryError, match="a → b → a"):
        cchc.read(src, registry=cyc)


def test_limits_and_safe_csv(workdir):
    """The reading limits reach Python; CSV text that would run as a formula is quoted."""
    b = cchc.read(ROOT / "samples" / "THPT_VanLam_Q1_2022.xlsx", max_file_mb=0)
    assert b.findings["rule"].to_list() == ["file.too_large"]
    b = cchc.read(ROOT / "samples" / "THPT_VanLam_Q1_2022.xlsx", registry=ROOT / "samples" / "units.csv")
    field = b.dossiers["field"][0]
    b.dossiers = b.dossiers.with_columns(pl.lit("=HYPERLINK(\"http://x\")").alias("field"))
    cchc.export(b, workdir / "safe")
    cchc.export(b, workdir / "raw", csv_raw=True)
    safe = pl.read_csv(workdir / "safe" / "dossiers.csv")["field"].unique().to_list()
    raw = pl.read_csv(workdir / "raw" / "dossiers.csv")["field"].unique().to_list()
    assert (safe, raw) == (["'=HYPERLINK(\"http://x\")"], ["=HYPERLINK(\"http://x\")"])
    # Parquet is always exact.
    assert pl.read_parquet(workdir / "safe" / "dossiers.parquet")["field"].unique().to_list() == ["=HYPERLINK(\"http://x\")"]
    assert field != ""


def test_feedback_to_units(batch, workdir):
    written = cchc.feedback(batch, workdir / "phan-hoi")
    names = [p.name for p in written]
    assert names == sorted(names)
    assert "chua-nop.xlsx" in names
    # Every unit with a counted row gets its workbook, named by its id and name.
    ids = set(batch.dossiers["unit_id"].to_list())
    assert ids
    for unit_id in ids:
        assert any(n.startswith(f"{unit_id} - ") for n in names), unit_id
    assert all(p.exists() and p.stat().st_size > 4_000 for p in written)


def _vn(n):
    """A whole number as Vietnamese documents write it: dots between thousands."""
    return f"{n:,}".replace(",", ".")


def test_narrative_report_read_back_with_python_docx(batch, workdir):
    import docx

    first, second = workdir / "bao-cao-1.docx", workdir / "bao-cao-2.docx"
    cchc.narrative(batch, first)
    cchc.narrative(batch, second)
    # Written twice in one process: the same bytes (paragraph ids do not run on).
    assert first.read_bytes() == second.read_bytes()
    doc = docx.Document(str(first))
    text = [p.text for p in doc.paragraphs]
    assert "Kết quả thực hiện công tác cải cách hành chính quý I năm 2022" in text
    # The dossiers' sentence from the generator's own figures, summed here.
    total = [sum(u[k] for u in EXPECTED["units"].values()) for k in range(11)]
    sentence = next(t for t in text if t.startswith("Trong kỳ, toàn ngành tiếp nhận"))
    assert sentence.startswith(f"Trong kỳ, toàn ngành tiếp nhận {_vn(total[0])} hồ sơ thủ tục hành chính (trực tuyến {_vn(total[1])};")
    assert f"đã giải quyết {_vn(total[4])} hồ sơ, trong đó trước hạn {_vn(total[5])}, đúng hạn {_vn(total[6])}, quá hạn {_vn(total[7])}" in sentence
    # Section III's row of tthc.early equals the attainment frame's province row.
    row = cchc.attainment(batch, scope="province", period="2022-Q1").filter(pl.col("target_id") == "tthc.early").row(0, named=True)
    tables = [t for t in doc.tables if t.rows[0].cells[0].text == "STT" and len(t.columns) == 7]
    early = next(r for r in tables[-1].rows if r.cells[1].text == "Hồ sơ TTHC trả kết quả trước hạn")
    assert early.cells[4].text == f"{_vn(int(row['numerator']))}/{_vn(int(row['denominator']))}"
    tenths = (int(row["numerator"]) * 2000 + int(row["denominator"])) // (2 * int(row["denominator"]))
    assert early.cells[3].text == f"{tenths // 10},{tenths % 10} %"
    # The parts the office writes are highlighted.
    marked = [p.text for p in doc.paragraphs if any(r.font.highlight_color is not None for r in p.runs)]
    assert marked and all(t.startswith("[Phần do cơ quan soạn thảo: ") for t in marked)
    # A4 portrait.
    section = doc.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.5)


def test_dossier_exports_give_frames(workdir):
    units = workdir / "units.csv"
    units.write_text("unit_id,name,kind,district,aliases\nthpt-b,Trường THPT B,school,X,\n", encoding="utf-8")
    folder = workdir / "in"
    folder.mkdir()
    # B1 early; B2 finished 20/1 against its due 12/1: 8 days late (2022-Q1 is
    # 15/12/2021–14/3/2022).
    (folder / "ho-so.csv").write_text(
        "Mã hồ sơ,Cơ quan giải quyết,Lĩnh vực,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n"
        "B1,Trường THPT B,Giáo dục trung học,03/01/2022,10/01/2022,07/01/2022,Trực tuyến\n"
        "B2,Trường THPT B,Giáo dục trung học,05/01/2022,12/01/2022,20/01/2022,Trực tiếp\n",
        encoding="utf-8",
    )
    b = cchc.read(folder, registry=units, period="2022-Q1")
    assert b.dossier_records["dossier_id"].to_list() == ["B1", "B2"]
    assert b.dossier_records["channel"].to_list() == ["online", "direct"]
    assert b.late_dossiers.select("dossier_id", "days_late", "state").rows() == [("B2", 8, "late")]
    row = b.dossiers.row(0, named=True)
    assert (row["source"], row["received_total"], row["resolved_early"], row["resolved_late"]) == ("computed", 2, 1, 1)


def test_the_sql_query_gives_cchc_s_counts_in_duckdb(cli, workdir):
    """`cchc sql form-a` run by DuckDB over the exported Parquet dataset gives the same
    counts as cchc's own classification, and both the counts placed by hand here."""
    import duckdb

    units = workdir / "units.csv"
    units.write_text(
        "unit_id,name,kind,district,aliases\nthpt-b,Trường THPT B,school,X,\nthpt-c,Trường THPT C,school,X,\n",
        encoding="utf-8",
    )
    folder = workdir / "in"
    folder.mkdir()
    # 2022-Q1 is 15/12/2021–14/3/2022. B: B0 finished before the period (out), B1
    # carried over and finished late, B2 early online, B3 on time postal, B4 pending
    # overdue, B5 received after the period (out). C: C1 pending in time, C2 late.
    (folder / "ho-so.csv").write_text(
        "Mã hồ sơ,Cơ quan giải quyết,Lĩnh vực,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n"
        "B0,Trường THPT B,Thi cử,01/12/2021,08/12/2021,07/12/2021,Trực tuyến\n"
        "B1,Trường THPT B,Thi cử,10/12/2021,17/12/2021,20/12/2021,Trực tiếp\n"
        "B2,Trường THPT B,Thi cử,03/01/2022,10/01/2022,07/01/2022,Trực tuyến\n"
        "B3,Trường THPT B,Văn bằng,04/01/2022,11/01/2022,11/01/2022,Bưu chính\n"
        "B4,Trường THPT B,Văn bằng,01/03/2022,08/03/2022,,Trực tiếp\n"
        "B5,Trường THPT B,Văn bằng,20/03/2022,27/03/2022,,Trực tuyến\n"
        "C1,Trường THPT C,Thi cử,10/03/2022,20/03/2022,,Trực tuyến\n"
        "C2,Trường THPT C,Thi cử,01/02/2022,05/02/2022,15/02/2022,Trực tiếp\n",
        encoding="utf-8",
    )
    export = workdir / "x"
    run = cli("consolidate", str(folder), "--registry", str(units), "--period", "2022-Q1",
              "-o", str(workdir / "r.xlsx"), "--export", str(export))
    assert run.returncode in (0, 1), run.stderr
    sql = cli("sql", "form-a", "--period", "2022-Q1")
    assert sql.returncode == 0, sql.stderr
    con = duckdb.connect()
    con.execute(
        "CREATE VIEW dossier_records AS SELECT * FROM read_parquet("
        f"'{export}/parquet/dossier_records/**/*.parquet', hive_partitioning = true)"
    )
    cursor = con.execute(sql.stdout)
    names = [d[0] for d in cursor.description]
    duck = [dict(zip(names, row)) for row in cursor.fetchall()]
    batch = cchc.read(folder, registry=units, period="2022-Q1")
    form_a, late = cchc.classify(batch.dossier_records, "2022-Q1")
    measures = [n for n in names if n not in ("unit_id", "field")]
    ours = [{k: r[k] for k in ["unit_id", "field", *measures]} for r in form_a.iter_rows(named=True)]
    assert [{k: (int(v) if k in measures else v) for k, v in r.items()} for r in duck] == ours
    by_hand = {
        # unit, field: received total, online, direct, carried, resolved, early, on time,
        # late, pending, in time, overdue
        ("thpt-b", "Thi cử"): [2, 1, 0, 1, 2, 1, 0, 1, 0, 0, 0],
        ("thpt-b", "Văn bằng"): [2, 0, 2, 0, 1, 0, 1, 0, 1, 0, 1],
        ("thpt-c", "Thi cử"): [2, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0],
    }
    assert {(r["unit_id"], r["field"]): [r[m] for m in MEASURES] for r in ours} == by_hand
    assert late["dossier_id"].to_list() == ["B1", "B4", "C2"]
    assert late["days_late"].to_list() == [3, 6, 10]
