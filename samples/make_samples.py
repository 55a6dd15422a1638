#!/usr/bin/env python3
"""Writes the sample batch (2022-Q1, Hưng Yên) and samples/expected.json.

Every figure is drawn from a seeded generator and obeys the Form A identities
unless a file is broken on purpose. expected.json holds, per unit, the sums of
the rows that must be consolidated and, per file, the findings it must produce;
tests compare cchc's output with it (numbers from here, never from cchc).

Needs: python3 with openpyxl; LibreOffice (soffice) for the .xls and .ods files.
Run from the repository root:  python3 samples/make_samples.py
"""
import json
import os
import random
import shutil
import subprocess
import tempfile
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Alignment

OUT = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(20220314)
MEASURES = ["received_total", "received_online", "received_direct", "carried_over",
            "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
            "pending_total", "pending_in_time", "pending_overdue"]
FIELDS = ["Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân", "Giáo dục trung học",
          "Quy chế thi, tuyển sinh", "Hệ thống văn bằng, chứng chỉ", "Giáo dục mầm non",
          "Giáo dục tiểu học", "Cơ sở vật chất và thiết bị trường học"]


def row_values(scale=40):
    online, direct, carried = RNG.randint(0, scale), RNG.randint(0, scale), RNG.randint(0, scale // 4)
    received = online + direct + carried
    resolved = RNG.randint(received // 2, received) if received else 0
    early = RNG.randint(resolved * 6 // 10, resolved) if resolved else 0
    late = RNG.randint(0, 1) if resolved - early > 0 and RNG.random() < 0.3 else 0
    on_time = resolved - early - late
    pending = received - resolved
    overdue = RNG.randint(0, 1) if pending and RNG.random() < 0.2 else 0
    return [received, online, direct, carried, resolved, early, on_time, late, pending, pending - overdue, overdue]


def make_rows(n, scale=40):
    return [(FIELDS[i % len(FIELDS)], row_values(scale)) for i in range(n)]


def sums(rows):
    return [sum(v[k] for _, v in rows) for k in range(11)]


# Header layouts: each returns (header rows as lists of cells, merges, column order).
H2020 = [
    ["TT", "Lĩnh vực, công việc giải quyết theo cấp", "Số hồ sơ nhận giải quyết", None, None, None,
     "Số hồ sơ đã giải quyết", None, None, None, "Số hồ sơ đang giải quyết", None, None],
    [None, None, "Tổng số", "Trong kỳ", None, "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn",
     "Tổng số", "Trong hạn", "Quá hạn"],
    [None, None, None, "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", None, None, None, None, None, None, None, None],
]
M2020 = ["A{r}:A{r2}", "B{r}:B{r2}", "C{r}:F{r}", "G{r}:J{r}", "K{r}:M{r}", "C{r1}:C{r2}", "D{r1}:E{r1}",
         "F{r1}:F{r2}", "G{r1}:G{r2}", "H{r1}:H{r2}", "I{r1}:I{r2}", "J{r1}:J{r2}", "K{r1}:K{r2}", "L{r1}:L{r2}",
         "M{r1}:M{r2}"]
H2017 = [
    ["STT", "Lĩnh vực giải quyết", "Số hồ sơ nhận giải quyết", None, None, None, "Kết quả giải quyết",
     None, None, None, None, None, None],
    [None, None, "Tổng số", "Trong đó", None, None, "Số hồ sơ đã giải quyết", None, None, None,
     "Số hồ sơ đang giải quyết", None, None],
    [None, None, None, "Số mới tiếp nhận trực tuyến", "Số mới tiếp nhận trực tiếp hoặc qua dịch vụ bưu chính công ích",
     "Số kỳ trước chuyển qua", "Tổng số", "Trả trước hạn", "Trả đúng thời hạn", "Trả quá hạn", "Tổng số",
     "Chưa đến hạn", "Quá hạn"],
]
M2017 = ["A{r}:A{r2}", "B{r}:B{r2}", "C{r}:F{r}", "G{r}:M{r}", "C{r1}:C{r2}", "D{r1}:F{r1}", "G{r1}:J{r1}",
         "K{r1}:M{r1}"]
# Two levels, parents written over their first child only, no diacritics.
H_PLAIN = [
    ["TT", "Linh vuc", "So ho so nhan giai quyet", None, None, None, "So ho so da giai quyet", None, None, None,
     "So ho so dang giai quyet", None, None],
    [None, None, "Tong so", "Truc tuyen", "Truc tiep, buu chinh", "Tu ky truoc", "Tong so", "Truoc han",
     "Dung han", "Qua han", "Tong so", "Trong han", "Qua han"],
]
ORDER_2017 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]  # H2017 lists online, direct, carried: same order as MEASURES
FLAT = {  # one header row, "parent - child", columns shuffled, an extra note column
    "received_total": "Số HS nhận GQ - Tổng số", "received_online": "Số HS nhận GQ - Trực tuyến",
    "received_direct": "Số HS nhận GQ - Trực tiếp", "carried_over": "Số HS nhận GQ - Từ kỳ trước",
    "resolved_total": "Số HS đã GQ - Tổng số", "resolved_early": "Số HS đã GQ - Trước hạn",
    "resolved_on_time": "Số HS đã GQ - Đúng hạn", "resolved_late": "Số HS đã GQ - Quá hạn",
    "pending_total": "Số HS đang GQ - Tổng số", "pending_in_time": "Số HS đang GQ - Trong hạn",
    "pending_overdue": "Số HS đang GQ - Quá hạn",
}


def vn_text(n):
    """1234 -> '1.234' (Vietnamese grouping)."""
    return f"{n:,}".replace(",", ".")


def write_form_a(ws, *, unit_line, period_line, header, merges, rows, total="Tổng số", numbering=True,
                 group_rows=False, nfd=False, text_numbers=False, total_override=None, start_row=1,
                 extra_title=True, label_cells=None):
    r = start_row
    if extra_title:
        ws.cell(r, 1, "Biểu số II.06a/VPCP/KSTT"); r += 1
        ws.cell(r, 1, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"); r += 1
    if period_line:
        ws.cell(r, 1, period_line); r += 1
    if unit_line:
        ws.cell(r, 1, unit_line); r += 1
    ws.cell(r, 1, "Đơn vị tính: Số hồ sơ TTHC"); r += 1
    r += 1
    top = r
    for i, hrow in enumerate(header):
        for c, v in enumerate(hrow, start=1):
            if v is not None:
                text = unicodedata.normalize("NFD", v) if nfd else v
                ws.cell(r + i, c, text).alignment = Alignment(wrap_text=True)
    depth = len(header)
    for m in merges:
        ws.merge_cells(m.format(r=top, r1=top + 1, r2=top + depth - 1))
    r = top + depth
    if numbering:
        for c in range(1, 14):
            ws.cell(r, c, f"({c})")
        r += 1
    if group_rows:
        ws.cell(r, 1, "I"); ws.cell(r, 2, "Cấp tỉnh"); r += 1
    for i, (label, vals) in enumerate(rows):
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, label if label_cells is None else label_cells[i])
        for k, v in enumerate(vals):
            if v is None:
                continue
            ws.cell(r, 3 + k, vn_text(v) if text_numbers and isinstance(v, int) else v)
        r += 1
    if total:
        ws.cell(r, 2, total)
        tot = total_override or sums([(l, [x if isinstance(x, int) else 0 for x in v]) for l, v in rows])
        for k, v in enumerate(tot):
            ws.cell(r, 3 + k, v)
        r += 1
    r += 1
    ws.cell(r, 9, "Hưng Yên, ngày 15 tháng 3 năm 2022"); r += 1
    ws.cell(r, 2, "Người lập biểu"); ws.cell(r, 9, "Thủ trưởng đơn vị")


def save(wb, name):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    wb.save(path)
    return path


def convert(path, fmt):
    """LibreOffice headless conversion; the source xlsx is removed."""
    tmp = tempfile.mkdtemp()
    subprocess.run(["soffice", "--headless", "--calc", "--convert-to", fmt, "--outdir", tmp, path],
                   check=True, capture_output=True)
    out = os.path.join(tmp, os.listdir(tmp)[0])
    dest = os.path.splitext(path)[0] + "." + fmt.split(":")[0]
    shutil.move(out, dest)
    os.remove(path)
    shutil.rmtree(tmp)
    return dest


EXPECTED = {"period": "2022-Q1", "units": {}, "findings": [], "b": {}, "c": {}, "d": {}, "optional": {},
            # Form A sums of submissions of other periods (each counts in its own period
            # when no --period is given), and findings only a `--period 2022-Q1` run has.
            "other_periods": {}, "findings_with_period": []}


def expect_unit(unit_id, rows):
    EXPECTED["units"][unit_id] = sums(rows)


def expect(file, rule):
    EXPECTED["findings"].append({"file": file, "rule": rule})


def simple(name, unit_id, unit_name, n=4, **kw):
    rows = make_rows(n)
    wb = Workbook(); ws = wb.active; ws.title = "Biểu 06a"
    write_form_a(ws, unit_line=f"Đơn vị báo cáo: {unit_name}", period_line="Kỳ báo cáo: Quý I năm 2022",
                 header=H2020, merges=M2020, rows=rows, **kw)
    save(wb, name)
    expect_unit(unit_id, rows)
    return rows


def main():
    for f in os.listdir(OUT):
        p = os.path.join(OUT, f)
        if f.endswith((".xlsx", ".xls", ".ods", ".txt")) or f.startswith("~$"):
            os.remove(p)
    shutil.rmtree(os.path.join(OUT, "loi"), ignore_errors=True)

    # 1. 2020 form, three merged levels, numbering row, group row, total row.
    simple("PGD_VanLam_Q1_2022.xlsx", "pgd-vanlam", "Phòng GDĐT huyện Văn Lâm", n=5, group_rows=True)
    # 2. 2017 wording, period as a date range in the official calendar.
    rows = make_rows(4)
    wb = Workbook(); ws = wb.active; ws.title = "06a"
    write_form_a(ws, unit_line="Đơn vị: Phòng Giáo dục và Đào tạo huyện Văn Giang",
                 period_line="(Từ ngày 15/12/2021 đến ngày 14/3/2022)", header=H2017, merges=M2017, rows=rows,
                 total="Tổng cộng")
    save(wb, "Van Giang - bao cao CCHC.xlsx"); expect_unit("pgd-vangiang", rows)
    # 3. Two levels, parents over their first child only, no diacritics, no numbering row.
    rows = make_rows(3)
    wb = Workbook(); ws = wb.active; ws.title = "Sheet1"
    write_form_a(ws, unit_line="Don vi bao cao: PGD Yen My", period_line="Ky bao cao: Quy 1 nam 2022",
                 header=H_PLAIN, merges=[], rows=rows, numbering=False, total="Cộng")
    save(wb, "pgd-yenmy.xlsx"); expect_unit("pgd-yenmy", rows)
    # 4. Flat "parent - child" header, shuffled columns, a note column, numbers as Vietnamese text.
    rows = make_rows(3, scale=900)
    order = MEASURES[:]; RNG.shuffle(order)
    wb = Workbook(); ws = wb.active; ws.title = "Ket qua TTHC"
    ws.cell(1, 1, "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN KHOÁI CHÂU")
    ws.cell(2, 1, "Đơn vị báo cáo:"); ws.cell(2, 2, "Phòng GDĐT Khoái Châu")
    ws.cell(3, 1, "BÁO CÁO KẾT QUẢ GIẢI QUYẾT TTHC QUÝ I/2022")
    hdr = ["STT", "Lĩnh vực"] + [FLAT[m] for m in order] + ["Ghi chú"]
    for c, v in enumerate(hdr, start=1):
        ws.cell(5, c, v)
    for i, (label, vals) in enumerate(rows):
        ws.cell(6 + i, 1, i + 1); ws.cell(6 + i, 2, label)
        for j, m in enumerate(order):
            ws.cell(6 + i, 3 + j, vn_text(vals[MEASURES.index(m)]))
        ws.cell(6 + i, 3 + len(order), "đã rà soát")
    save(wb, "PGD Khoai Chau.xlsx"); expect_unit("pgd-khoaichau", rows)
    # 5. .xls (Excel 97-2003), unit written as an alias.
    rows = make_rows(4)
    wb = Workbook(); ws = wb.active; ws.title = "Bieu 06a"
    write_form_a(ws, unit_line="Đơn vị báo cáo: PGD An Thi", period_line="Kỳ báo cáo: Quý I năm 2022",
                 header=H2020, merges=M2020, rows=rows)
    convert(save(wb, "PGD_AnThi_Q1_2022.xlsx"), "xls"); expect_unit("pgd-anthi", rows)
    # 6. .ods (LibreOffice): calamine reports no merges, the reader must cope.
    rows = make_rows(4)
    wb = Workbook(); ws = wb.active; ws.title = "Biểu A"
    write_form_a(ws, unit_line="Đơn vị báo cáo: Phòng GDĐT huyện Kim Động", period_line="Kỳ báo cáo: Quý I năm 2022",
                 header=H2020, merges=M2020, rows=rows)
    convert(save(wb, "PGD_KimDong_Q1_2022.xlsx"), "ods"); expect_unit("pgd-kimdong", rows)
    # 7. Header text in NFD, a cover sheet before the form.
    rows = make_rows(3)
    wb = Workbook(); cover = wb.active; cover.title = "Hướng dẫn"
    cover.cell(1, 1, "Báo cáo gửi Văn phòng Sở trước ngày 15/3/2022")
    ws = wb.create_sheet("Số liệu")
    write_form_a(ws, unit_line="Đơn vị báo cáo: Phòng GDĐT huyện Phù Cừ", period_line="Kỳ báo cáo: Quý I năm 2022",
                 header=H2020, merges=M2020, rows=rows, nfd=True)
    save(wb, "PGD_PhuCu_Q1_2022.xlsx"); expect_unit("pgd-phucu", rows)
    expect("samples/PGD_PhuCu_Q1_2022.xlsx", "sheet.unrecognized")
    # 8. No unit line, no period line: both from the file name.
    rows = make_rows(3)
    wb = Workbook(); ws = wb.active; ws.title = "Sheet1"
    write_form_a(ws, unit_line=None, period_line=None, header=H2020, merges=M2020, rows=rows)
    save(wb, "PGD Tien Lu_Q1_2022.xlsx"); expect_unit("pgd-tienlu", rows)
    # 9-12. Schools, the 2020 form.
    simple("THPT_VanLam_Q1_2022.xlsx", "thpt-vanlam", "Trường THPT Văn Lâm", n=2)
    simple("THPT_TrungVuong_Q1_2022.xlsx", "thpt-trungvuong", "Trường THPT Trưng Vương", n=2)
    simple("THPT_TienLu_Q1_2022.xlsx", "thpt-tienlu", "Trường THPT Tiên Lữ", n=2)
    simple("THPT_YenMy_Q1_2022.xlsx", "thpt-yenmy", "THPT Yên Mỹ", n=2)
    # 13. District roll-up: rows are units. THPT Mỹ Hào also reports on its own, with the same figures.
    own = simple("THPT_MyHao_Q1_2022.xlsx", "thpt-myhao", "Trường THPT Mỹ Hào", n=1)
    office, nguyen = row_values(), row_values()
    rollup = [("Phòng GDĐT thị xã Mỹ Hào", office), ("Trường THPT Mỹ Hào", own[0][1]),
              ("Trường THPT Nguyễn Thiện Thuật", nguyen)]
    hdr = [r[:] for r in H2020]; hdr[0][1] = "Đơn vị"
    wb = Workbook(); ws = wb.active; ws.title = "Tổng hợp"
    write_form_a(ws, unit_line="Đơn vị báo cáo: Phòng GDĐT thị xã Mỹ Hào", period_line="Kỳ báo cáo: Quý I năm 2022",
                 header=hdr, merges=M2020, rows=rollup, total="Tổng cộng")
    save(wb, "PGD_MyHao_tong_hop_Q1_2022.xlsx")
    EXPECTED["units"]["pgd-myhao"] = office[:]
    EXPECTED["units"]["thpt-nguyenthienthuat"] = nguyen[:]

    # Broken on purpose, in samples/loi/.
    # a. Truncated zip.
    p = simple("loi/THPT_KhoaiChau_Q1_2022.xlsx", "thpt-khoaichau", "Trường THPT Khoái Châu", n=2)
    del EXPECTED["units"]["thpt-khoaichau"]
    full = os.path.join(OUT, "loi/THPT_KhoaiChau_Q1_2022.xlsx")
    data = open(full, "rb").read(); open(full, "wb").write(data[: len(data) // 2])
    expect("samples/loi/THPT_KhoaiChau_Q1_2022.xlsx", "file.unreadable")
    # b. Bad cells: text, negative, fraction, error cell; those rows are set aside.
    rows = make_rows(7)
    bad = [list(v) for _, v in rows]
    bad[1][1] = "mười"; bad[2][5] = -3; bad[3][6] = 2.5; bad[4][9] = "#REF!"  # openpyxl writes an error cell
    wb = Workbook(); ws = wb.active; ws.title = "06a"
    labelled = [(rows[i][0], bad[i]) for i in range(7)]
    write_form_a(ws, unit_line="Đơn vị báo cáo: Trường THPT Nam Khoái Châu", period_line="Kỳ báo cáo: Quý I năm 2022",
                 header=H2020, merges=M2020, rows=labelled, total=None)
    save(wb, "loi/THPT_NamKhoaiChau_Q1_2022.xlsx")
    good = [rows[0], rows[5], rows[6]]
    expect_unit("thpt-namkhoaichau", good)
    for rule in ["value.not_a_number", "value.negative", "value.fraction", "value.error_cell"]:
        expect("samples/loi/THPT_NamKhoaiChau_Q1_2022.xlsx", rule)
    # c. Identity broken in one row (row still counts), and a wrong total row.
    rows = make_rows(3)
    rows[1][1][4] += 2  # resolved_total no longer the sum of its parts
    tot = sums(rows); tot[0] += 5
    wb = Workbook(); ws = wb.active; ws.title = "06a"
    write_form_a(ws, unit_line="Đơn vị báo cáo: Trường THPT Phùng Hưng", period_line="Kỳ báo cáo: Quý I năm 2022",
                 header=H2020, merges=M2020, rows=rows, total_override=tot)
    save(wb, "loi/THPT_PhungHung_Q1_2022.xlsx"); expect_unit("thpt-phunghung", rows)
    for rule in ["identity.resolved", "identity.balance", "total_row.mismatch"]:
        expect("samples/loi/THPT_PhungHung_Q1_2022.xlsx", rule)
    # d. A unit that is not in the registry.
    simple("loi/THPT_Xyz.xlsx", "x", "Trường THPT Hoàng Văn Xyz", n=2)
    del EXPECTED["units"]["x"]
    expect("samples/loi/THPT_Xyz.xlsx", "unit.unknown")
    # e. Last year's fourth quarter sent by mistake: a period of its own without
    #    --period (docs/periods.md), period.mismatch with --period 2022-Q1.
    rows = make_rows(2)
    wb = Workbook(); ws = wb.active; ws.title = "06a"
    write_form_a(ws, unit_line="Đơn vị báo cáo: Trường THPT Ân Thi", period_line="Kỳ báo cáo: Quý IV năm 2021",
                 header=H2020, merges=M2020, rows=rows)
    save(wb, "loi/THPT_AnThi_QIV_2021.xlsx")
    EXPECTED["other_periods"].setdefault("2021-Q4", {})["thpt-anthi"] = sums(rows)
    EXPECTED["findings_with_period"].append(
        {"file": "samples/loi/THPT_AnThi_QIV_2021.xlsx", "rule": "period.mismatch"})
    # f. THPT Văn Lâm sends a second, different report: the first by file order counts.
    rows = make_rows(2)
    wb = Workbook(); ws = wb.active; ws.title = "06a"
    write_form_a(ws, unit_line="Đơn vị báo cáo: Trường THPT Văn Lâm", period_line="Kỳ báo cáo: Quý I năm 2022",
                 header=H2020, merges=M2020, rows=rows)
    save(wb, "loi/THPT_VanLam_ban_sua.xlsx")
    expect("samples/loi/THPT_VanLam_ban_sua.xlsx", "submission.duplicate")
    expect("samples/THPT_VanLam_Q1_2022.xlsx", "submission.duplicate")  # both are listed
    # g. A column missing: the table is recognised but set aside.
    rows = make_rows(2)
    hdr = [r[:] for r in H2020]
    wb = Workbook(); ws = wb.active; ws.title = "06a"
    write_form_a(ws, unit_line="Đơn vị báo cáo: Trường THPT Kim Động", period_line="Kỳ báo cáo: Quý I năm 2022",
                 header=hdr, merges=M2020, rows=[(l, v[:12]) for l, v in rows], numbering=False)
    ws.delete_cols(6)  # "Từ kỳ trước"
    save(wb, "loi/THPT_KimDong_Q1_2022.xlsx")
    expect("samples/loi/THPT_KimDong_Q1_2022.xlsx", "column.missing")
    # h. An Excel lock file and a note: skipped.
    open(os.path.join(OUT, "loi", "~$THPT_VanLam_ban_sua.xlsx"), "wb").write(b"\x00" * 162)
    open(os.path.join(OUT, "loi", "ghi_chu.txt"), "w").write("Các tệp trong thư mục này có lỗi cố ý.\n")
    expect("samples/loi/~$THPT_VanLam_ban_sua.xlsx", "file.skipped")
    expect("samples/loi/ghi_chu.txt", "file.skipped")

    forms_bcd()
    optional_columns()

    EXPECTED["units"] = dict(sorted(EXPECTED["units"].items()))
    for k in ("b", "c", "d"):
        EXPECTED[k] = dict(sorted(EXPECTED[k].items()))
    EXPECTED["optional"] = dict(sorted(EXPECTED["optional"].items()))
    EXPECTED["measures"] = MEASURES
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(EXPECTED, f, ensure_ascii=False, indent=1)
        f.write("\n")


# ---------------------------------------------------------------- forms B, C, D
# A second generator, so that adding these files leaves the Form A figures as they were.
RNG2 = random.Random(2022)
PROCEDURES = [
    ("1.005092", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "Hệ thống văn bằng, chứng chỉ"),
    ("1.005093", "Chỉnh sửa nội dung văn bằng, chứng chỉ", "Hệ thống văn bằng, chứng chỉ"),
    ("1.004435", "Công nhận trường tiểu học đạt chuẩn quốc gia", "Giáo dục tiểu học"),
    ("1.004444", "Cho phép trường trung học cơ sở hoạt động giáo dục", "Giáo dục trung học"),
    ("1.004494", "Sáp nhập, chia, tách trường mầm non", "Giáo dục mầm non"),
    ("2.001818", "Chuyển trường đối với học sinh trung học cơ sở", "Giáo dục trung học"),
    ("1.001639", "Xét, duyệt chính sách hỗ trợ đối với học sinh bán trú", "Giáo dục dân tộc"),
    ("1.000728", "Thành lập trung tâm ngoại ngữ, tin học", "Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân"),
    ("2.001914", "Cấp giấy phép tổ chức dạy thêm, học thêm", "Giáo dục trung học"),
    ("1.008950", "Phê duyệt việc dạy và học bằng tiếng nước ngoài", "Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân"),
]
LEVEL_TEXT = {1: "1", 2: "2", 3: "Mức độ 3", 4: "MĐ4"}


def service_rows(n):
    rows = []
    for code, name, field in RNG2.sample(PROCEDURES, n):
        level = RNG2.choice([2, 3, 3, 4, 4, 4])
        eligible = level >= 3 or RNG2.random() < 0.3
        portal = level >= 3 and RNG2.random() < 0.8
        total = RNG2.randint(0, 30)
        online = RNG2.randint(0, total) if level >= 3 else 0
        rows.append(dict(code=code, name=name, field=field, level=level, eligible=eligible, portal=portal,
                         total=total, online=online))
    return rows


def expect_b(unit_id, rows, has_eligibility=True):
    c = [0] * 7  # listed, level 3, level 4, level 3-4, level 3-4 on portal, eligible, eligible at 3-4
    for r in rows:
        l34 = r["level"] in (3, 4)
        eligible = r["eligible"] if has_eligibility else True
        for k, on in enumerate([True, r["level"] == 3, r["level"] == 4, l34, l34 and r["portal"], eligible,
                                eligible and l34]):
            c[k] += int(on)
    old = EXPECTED["b"].get(unit_id, [0] * 7)
    EXPECTED["b"][unit_id] = [a + b for a, b in zip(old, c)]


def title_lines(ws, unit_line, period_line, title):
    ws.cell(1, 1, title)
    r = 2
    for line in (unit_line, period_line):
        if line:
            ws.cell(r, 1, line); r += 1
    return r + 1


def write_form_b_merged(ws, rows, unit_line, period_line):
    """Two merged levels, the eligibility column present, x marks."""
    top = title_lines(ws, unit_line, period_line, "DANH MỤC DỊCH VỤ CÔNG TRỰC TUYẾN")
    heads = ["STT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Mức độ DVC trực tuyến",
             "Đủ điều kiện cung cấp mức độ 3, 4", "Tích hợp trên Cổng DVC quốc gia", "Số hồ sơ tiếp nhận"]
    for c, h in enumerate(heads, start=1):
        ws.cell(top, c, h)
    ws.cell(top + 1, 8, "Tổng số"); ws.cell(top + 1, 9, "Trực tuyến")
    for col in "ABCDEFG":
        ws.merge_cells(f"{col}{top}:{col}{top + 1}")
    ws.merge_cells(f"H{top}:I{top}")
    for i, r in enumerate(rows):
        rr = top + 2 + i
        vals = [i + 1, r["code"], r["name"], r["field"], r["level"], "x" if r["eligible"] else None,
                "x" if r["portal"] else None, r["total"], r["online"]]
        for c, v in enumerate(vals, start=1):
            if v is not None:
                ws.cell(rr, c, v)
    ws.cell(top + 3 + len(rows), 3, "Người lập biểu")


def write_form_b_plain(ws, rows, unit_line, period_line):
    """One level, no diacritics, no eligibility column, levels and marks as words, columns shuffled."""
    top = title_lines(ws, unit_line, period_line, "DANH MUC DVC TRUC TUYEN")
    cols = [("Ten thu tuc", "name"), ("TT", None), ("Muc do", "level"), ("So ho so - Truc tuyen", "online"),
            ("Ma TTHC", "code"), ("Tich hop Cong DVC quoc gia", "portal"), ("So ho so - Tong so", "total"),
            ("Linh vuc", "field")]
    for c, (h, _) in enumerate(cols, start=1):
        ws.cell(top, c, h)
    words = {3: ["Mức độ 3", "Một phần"], 4: ["MĐ4", "Toàn trình"], 2: ["2"], 1: ["1"]}
    for i, r in enumerate(rows):
        for c, (_, key) in enumerate(cols, start=1):
            if key is None:
                v = i + 1
            elif key == "level":
                v = RNG2.choice(words[r["level"]])
            elif key == "portal":
                v = RNG2.choice(["Có", "Đã tích hợp"]) if r["portal"] else RNG2.choice([None, "Chưa tích hợp"])
            else:
                v = r[key]
            if v is not None:
                ws.cell(top + 1 + i, c, v)


def staff_rows(names, grow=None):
    rows = []
    for i, name in enumerate(names):
        pu_b = RNG2.randint(1, 12)
        pu_c = pu_b - RNG2.choice([0, 0, 1])
        st_b = RNG2.randint(40, 400)
        st_c = st_b - RNG2.randint(0, st_b // 20)
        if grow == i:
            st_c = st_b + 3
        rows.append([name, pu_b, pu_c, st_b, st_c, st_c - RNG2.randint(0, 3)])
    return rows


def expect_c(unit_id, rows):
    sums = [sum(r[k] for r in rows) for k in (1, 2, 3, 4)]
    EXPECTED["c"][unit_id] = sums


def write_form_c_merged(ws, rows, unit_line, period_line):
    top = title_lines(ws, unit_line, period_line, "BIỂU TỔNG HỢP BIÊN CHẾ, ĐƠN VỊ SỰ NGHIỆP CÔNG LẬP")
    ws.cell(top, 1, "STT"); ws.cell(top, 2, "Tên đơn vị")
    ws.cell(top, 3, "Số đơn vị sự nghiệp công lập"); ws.cell(top, 5, "Biên chế sự nghiệp hưởng lương từ NSNN được giao")
    ws.cell(top, 7, "Số người làm việc có mặt")
    for c, y in zip(range(3, 7), ["Năm 2021", "Năm 2022", "Năm 2021", "Năm 2022"]):
        ws.cell(top + 1, c, y)
    for m in (f"A{top}:A{top + 1}", f"B{top}:B{top + 1}", f"C{top}:D{top}", f"E{top}:F{top}", f"G{top}:G{top + 1}"):
        ws.merge_cells(m)
    for i, r in enumerate(rows):
        ws.cell(top + 2 + i, 1, i + 1)
        for c, v in enumerate(r, start=2):
            ws.cell(top + 2 + i, c, v)
    t = top + 2 + len(rows)
    ws.cell(t, 2, "Tổng cộng")
    for k in range(1, 6):
        ws.cell(t, 2 + k, sum(r[k] for r in rows))


def write_form_c_years_as_numbers(ws, rows, unit_line, period_line):
    """Parents over their first child only, the years typed as numbers, the current year first."""
    top = title_lines(ws, unit_line, period_line, "BIEN CHE VA DON VI SU NGHIEP")
    ws.cell(top, 1, "TT"); ws.cell(top, 2, "Tên đơn vị")
    ws.cell(top, 3, "Biên chế sự nghiệp hưởng lương từ NSNN"); ws.cell(top, 5, "Số đơn vị sự nghiệp công lập")
    for c, y in zip(range(3, 7), [2022, 2021, 2022, 2021]):
        ws.cell(top + 1, c, y)
    for i, r in enumerate(rows):
        name, pu_b, pu_c, st_b, st_c, _ = r
        for c, v in enumerate([i + 1, name, st_c, st_b, pu_c, pu_b], start=1):
            ws.cell(top + 2 + i, c, v)


def write_form_d(ws, rows, unit_line, period_line, with_code=True):
    top = title_lines(ws, unit_line, period_line, "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CẢI CÁCH HÀNH CHÍNH")
    heads = ["STT", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Số thực hiện (tử số)", "Tổng số (mẫu số)",
             "Tỷ lệ (%)", "Ghi chú"]
    if not with_code:
        heads = [h for h in heads if h != "Mã chỉ tiêu"]
    for c, h in enumerate(heads, start=1):
        ws.cell(top, c, h)
    for i, r in enumerate(rows):
        vals = [i + 1] + ([r.get("code")] if with_code else []) + [r["name"], r.get("uom", "%"), r.get("num"),
                                                                   r.get("den"), r.get("ratio"), None]
        for c, v in enumerate(vals, start=1):
            if v is not None:
                ws.cell(top + 1 + i, c, v)


def expect_d(unit_id, rows):
    d = EXPECTED["d"].setdefault(unit_id, {})
    for r in rows:
        if "target" not in r:
            continue
        if r.get("num") is not None and r.get("den") is not None:
            n, dd = d.get(r["target"], [0, 0])
            d[r["target"]] = [n + r["num"], dd + r["den"]]
        elif r.get("ratio") is not None:
            d[r["target"] + "#ratio"] = r["ratio_fraction"]


def d_rows_full():
    """One row per Form D target, by code, with numerator and denominator."""
    rows = []
    for target, name, den in [
        ("tthc.satisfaction", "Mức độ hài lòng của người dân, tổ chức về giải quyết TTHC", 200),
        ("tthc.published", "TTHC được công bố công khai và cập nhật kịp thời", 45),
        ("org.satisfaction_admin", "Mức độ hài lòng với cơ quan hành chính nhà nước", 300),
        ("org.satisfaction_education", "Mức độ hài lòng về dịch vụ giáo dục công lập", 500),
        ("civil.job_positions", "Cơ quan, đơn vị sắp xếp công chức, viên chức theo vị trí việc làm", 12),
        ("civil.online_work", "Cán bộ, công chức, viên chức trao đổi công việc trên môi trường mạng", 80),
        ("egov.esigned_documents", "Văn bản điện tử được ký số", 640),
        ("egov.work_files_online", "Hồ sơ công việc được xử lý trên môi trường mạng", 260),
        ("egov.reports_on_system", "Báo cáo trên hệ thống thông tin báo cáo", 24),
        ("egov.portal_compliance", "Cổng/trang thông tin điện tử cung cấp đủ thông tin", 1),
    ]:
        num = den if RNG2.random() < 0.5 else RNG2.randint(den * 7 // 10, den)
        rows.append(dict(target=target, code=target, name=name, uom="%", num=num, den=den))
    base = RNG2.choice([20.0, 25.5, 30.0])
    cur = base + RNG2.choice([1.5, 2.5, 3.0, 4.0])
    rows.append(dict(target="finance.autonomy_increase", code="finance.autonomy_increase",
                     name="Mức độ tự chủ chi thường xuyên (năm nay / năm gốc)", uom="%", num=cur, den=base))
    return rows


def forms_bcd():
    # 1. Văn Lâm district office: a second file with Forms B, C, D (merged headers, codes).
    wb = Workbook(); wb.remove(wb.active)
    unit, period = "Đơn vị báo cáo: Phòng GDĐT huyện Văn Lâm", "Kỳ báo cáo: Quý I năm 2022"
    rows = service_rows(7); write_form_b_merged(wb.create_sheet("Biểu B"), rows, unit, period)
    expect_b("pgd-vanlam", rows)
    crow = staff_rows(["Phòng GDĐT", "Trường MN Lạc Hồng", "Trường TH Như Quỳnh", "Trường THCS Lạc Đạo"])
    write_form_c_merged(wb.create_sheet("Biểu C"), crow, unit, period); expect_c("pgd-vanlam", crow)
    drows = d_rows_full(); write_form_d(wb.create_sheet("Biểu D"), drows, unit, period); expect_d("pgd-vanlam", drows)
    save(wb, "PGD_VanLam_BCD_Q1_2022.xlsx")
    # 2. Yên Mỹ: Form B without the eligibility column, words for levels; Form D by name, a lone ratio.
    wb = Workbook(); ws = wb.active; ws.title = "DVC"
    unit = "Don vi bao cao: PGD Yen My"; period = "Ky bao cao: Quy I nam 2022"
    rows = service_rows(6); write_form_b_plain(ws, rows, unit, period); expect_b("pgd-yenmy", rows, has_eligibility=False)
    drows = [
        dict(target="egov.work_files_online", name="Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng", uom="hồ sơ",
             num=140, den=260),
        dict(target="org.satisfaction_education", name="Mức độ hài lòng của người dân về dịch vụ giáo dục công lập",
             ratio="92,5%", ratio_fraction=0.925),
    ]
    write_form_d(wb.create_sheet("Chi tieu"), drows, "Đơn vị báo cáo: PGD Yên Mỹ", period, with_code=False)
    expect_d("pgd-yenmy", drows)
    expect("samples/PGD Yen My - DVC.xlsx", "ratio.unverifiable")
    save(wb, "PGD Yen My - DVC.xlsx")
    # 3. Kim Động: Form C in .ods, years typed as numbers, the current year first; staff grew in one school.
    wb = Workbook(); ws = wb.active; ws.title = "Bieu C"
    crow = staff_rows(["Phòng GDĐT Kim Động", "Trường THCS Toàn Thắng", "Trường TH Nghĩa Dân"], grow=1)
    write_form_c_years_as_numbers(ws, crow, "Đơn vị báo cáo: Phòng GDĐT huyện Kim Động", "Kỳ báo cáo: Quý I năm 2022")
    expect_c("pgd-kimdong", crow)
    convert(save(wb, "PGD_KimDong_C_Q1_2022.xlsx"), "ods")
    expect("samples/PGD_KimDong_C_Q1_2022.ods", "staff.increase")
    # 4. THPT Tiên Lữ: B, C, D in one file.
    wb = Workbook(); wb.remove(wb.active)
    unit = "Đơn vị báo cáo: Trường THPT Tiên Lữ"
    rows = service_rows(4); write_form_b_merged(wb.create_sheet("B"), rows, unit, "Kỳ báo cáo: Quý I năm 2022")
    expect_b("thpt-tienlu", rows)
    crow = staff_rows(["Trường THPT Tiên Lữ"])
    write_form_c_merged(wb.create_sheet("C"), crow, unit, "Kỳ báo cáo: Quý I năm 2022"); expect_c("thpt-tienlu", crow)
    drows = d_rows_full()[4:]
    write_form_d(wb.create_sheet("D"), drows, unit, "Kỳ báo cáo: Quý I năm 2022"); expect_d("thpt-tienlu", drows)
    save(wb, "THPT_TienLu_BCD_Q1_2022.xlsx")
    # 5. Broken: an indicator no target has, and a word where a number should be.
    wb = Workbook(); ws = wb.active; ws.title = "D"
    drows = [
        dict(name="Số cuộc họp trực tuyến đã tổ chức", uom="cuộc", num=12, den=None),
        dict(target="egov.esigned_documents", code="egov.esigned_documents", name="Văn bản điện tử được ký số",
             num="nhiều", den=300),
        dict(target="egov.reports_on_system", code="egov.reports_on_system", name="Báo cáo trên hệ thống", num=10, den=12),
    ]
    write_form_d(ws, drows, "Đơn vị báo cáo: Phòng GDĐT huyện Phù Cừ", "Kỳ báo cáo: Quý I năm 2022")
    expect_d("pgd-phucu", [drows[2]])
    save(wb, "loi/PGD_PhuCu_D_Q1_2022.xlsx")
    expect("samples/loi/PGD_PhuCu_D_Q1_2022.xlsx", "indicator.unknown")
    expect("samples/loi/PGD_PhuCu_D_Q1_2022.xlsx", "value.not_a_number")
    # 6. Broken: a level no form has.
    wb = Workbook(); ws = wb.active; ws.title = "B"
    rows = service_rows(3)
    write_form_b_merged(ws, rows, "Đơn vị báo cáo: Trường THPT Yên Mỹ", "Kỳ báo cáo: Quý I năm 2022")
    ws.cell(7, 5, "cao")  # first procedure's level (title, unit, period, blank, two header rows)
    expect_b("thpt-yenmy", rows[1:])
    save(wb, "loi/THPT_YenMy_B_Q1_2022.xlsx")
    expect("samples/loi/THPT_YenMy_B_Q1_2022.xlsx", "value.not_a_number")


# ------------------------------------------------- Form A with the optional columns
# Written last (and with a third generator for the breakdowns), so that these files
# leave every figure above as it was.
RNG3 = random.Random(2026)
OPTIONAL = ["received_online_full", "received_online_partial", "received_postal", "resolved_late_apologised"]


def split_row():
    """A row of the 11 measures with its optional breakdowns: online = full + partial,
    postal ≤ direct, apologised ≤ late."""
    v = row_values()
    online, direct, late = v[1], v[2], v[7]
    full = RNG3.randint(0, online)
    postal = RNG3.randint(0, direct)
    apologised = RNG3.randint(0, late)
    return v, [full, online - full, postal, apologised]


def optional_columns():
    # 1. The 2020 form with four "Trong đó" columns after (13), numbered (1)…(17).
    wb = Workbook(); ws = wb.active; ws.title = "II.06a"
    ws.cell(1, 1, "Biểu số II.06a/VPCP/KSTT")
    ws.cell(2, 1, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC")
    ws.cell(3, 1, "Kỳ báo cáo: Quý I năm 2022")
    ws.cell(4, 1, "Đơn vị báo cáo: Phòng GDĐT thành phố Hưng Yên")
    ws.cell(5, 1, "Đơn vị tính: Số hồ sơ TTHC")
    top = 7
    header = [row + [None] * 4 for row in H2020]
    header[0][13] = "Trong đó"
    header[1][13:17] = ["Trực tuyến toàn trình", "Trực tuyến một phần", "Qua dịch vụ bưu chính công ích",
                        "Quá hạn đã có văn bản xin lỗi"]
    for i, hrow in enumerate(header):
        for c, v in enumerate(hrow, start=1):
            if v is not None:
                ws.cell(top + i, c, v).alignment = Alignment(wrap_text=True)
    for m in M2020 + ["N{r}:Q{r}", "N{r1}:N{r2}", "O{r1}:O{r2}", "P{r1}:P{r2}", "Q{r1}:Q{r2}"]:
        ws.merge_cells(m.format(r=top, r1=top + 1, r2=top + 2))
    r = top + 3
    for c in range(1, 18):
        ws.cell(r, c, f"({c})")
    r += 1
    rows, extra = [], []
    for i in range(5):
        v, o = split_row()
        rows.append((FIELDS[i], v)); extra.append(o)
        ws.cell(r, 1, i + 1); ws.cell(r, 2, FIELDS[i])
        for k, x in enumerate(v + o):
            ws.cell(r, 3 + k, x)
        r += 1
    ws.cell(r, 2, "Tổng số")
    for k, x in enumerate(sums(rows) + [sum(o[k] for o in extra) for k in range(4)]):
        ws.cell(r, 3 + k, x)
    ws.cell(r + 2, 9, "Hưng Yên, ngày 15 tháng 3 năm 2022"); ws.cell(r + 3, 9, "Thủ trưởng đơn vị")
    save(wb, "PGD_TPHungYen_Q1_2022.xlsx")
    expect_unit("pgd-tphungyen", rows)
    EXPECTED["optional"]["pgd-tphungyen"] = dict(zip(OPTIONAL, [sum(o[k] for o in extra) for k in range(4)]))

    # 2. A one-stop system's export: intake in the period split into toàn trình, một phần,
    # trực tiếp and bưu chính công ích, with no column (4) or (5) of the official form:
    # received_online = full + partial, received_direct = in person + postal.
    wb = Workbook(); ws = wb.active; ws.title = "Thống kê"
    ws.cell(1, 1, "THỐNG KÊ TÌNH HÌNH GIẢI QUYẾT HỒ SƠ TTHC")
    ws.cell(2, 1, "Đơn vị: Trường THPT chuyên Hưng Yên")
    ws.cell(3, 1, "Kỳ báo cáo: Quý I năm 2022")
    top = 5
    header = [
        ["STT", "Lĩnh vực", "Số hồ sơ nhận giải quyết", None, None, None, None, None,
         "Số hồ sơ đã giải quyết", None, None, None, None, "Số hồ sơ đang giải quyết", None, None],
        [None, None, "Tổng số", "Trong kỳ", None, None, None, "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn",
         "Quá hạn", "Trong đó: quá hạn đã có văn bản xin lỗi", "Tổng số", "Trong hạn", "Quá hạn"],
        [None, None, None, "Trực tuyến toàn trình", "Trực tuyến một phần", "Trực tiếp",
         "Qua dịch vụ bưu chính công ích", None, None, None, None, None, None, None, None, None],
    ]
    for i, hrow in enumerate(header):
        for c, v in enumerate(hrow, start=1):
            if v is not None:
                ws.cell(top + i, c, v)
    for m in ["A{r}:A{r2}", "B{r}:B{r2}", "C{r}:H{r}", "I{r}:M{r}", "N{r}:P{r}", "C{r1}:C{r2}", "D{r1}:G{r1}",
              "H{r1}:H{r2}", "I{r1}:I{r2}", "J{r1}:J{r2}", "K{r1}:K{r2}", "L{r1}:L{r2}", "M{r1}:M{r2}",
              "N{r1}:N{r2}", "O{r1}:O{r2}", "P{r1}:P{r2}"]:
        ws.merge_cells(m.format(r=top, r1=top + 1, r2=top + 2))
    r = top + 3
    rows, extra = [], []
    for i in range(3):
        v, o = split_row()
        full, partial, postal, apologised = o
        rows.append((FIELDS[i], v)); extra.append(o)
        in_person = v[2] - postal
        cells = [v[0], full, partial, in_person, postal, v[3], v[4], v[5], v[6], v[7], apologised, v[8], v[9], v[10]]
        ws.cell(r, 1, i + 1); ws.cell(r, 2, FIELDS[i])
        for k, x in enumerate(cells):
            ws.cell(r, 3 + k, x)
        r += 1
    save(wb, "THPT_ChuyenHungYen_Q1_2022.xlsx")
    expect_unit("thpt-chuyenhungyen", rows)
    EXPECTED["optional"]["thpt-chuyenhungyen"] = dict(zip(OPTIONAL, [sum(o[k] for o in extra) for k in range(4)]))


if __name__ == "__main__":
    main()
