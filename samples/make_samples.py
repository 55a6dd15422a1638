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


EXPECTED = {"period": "2022-Q1", "units": {}, "findings": []}


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
    # e. Last year's fourth quarter sent by mistake.
    rows = make_rows(2)
    wb = Workbook(); ws = wb.active; ws.title = "06a"
    write_form_a(ws, unit_line="Đơn vị báo cáo: Trường THPT Ân Thi", period_line="Kỳ báo cáo: Quý IV năm 2021",
                 header=H2020, merges=M2020, rows=rows)
    save(wb, "loi/THPT_AnThi_QIV_2021.xlsx")
    expect("samples/loi/THPT_AnThi_QIV_2021.xlsx", "period.mismatch")
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

    EXPECTED["units"] = dict(sorted(EXPECTED["units"].items()))
    EXPECTED["measures"] = MEASURES
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(EXPECTED, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
