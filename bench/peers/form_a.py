"""The Form A job as an analyst would write it, shared by the pandas and polars peers.

Given one sheet as a list of rows (lists of cell values), find the Form A header by its
words, join the header rows into column labels (filling merged parents from the left),
map the labels to the eleven measures, read the data rows, drop the total, group and
signature rows, and sum. Only the reading engine differs between the peers.
"""
import os
import re
import unicodedata

MEASURES = ["received_total", "received_online", "received_direct", "carried_over",
            "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
            "pending_total", "pending_in_time", "pending_overdue"]
NUMBERING = re.compile(r"^\(\d+\)$")
GROUP = re.compile(r"^([ivx]+|[a-d]|\d+)$")
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def norm(v):
    if v is None:
        return ""
    text = unicodedata.normalize("NFD", str(v)).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def measure_of(label):
    if "dang giai quyet" in label or "dang gq" in label:
        section = "pending"
    elif "da giai quyet" in label or "da gq" in label:
        section = "resolved"
    elif "nhan" in label:
        section = "received"
    else:
        return None
    leaf = label.rsplit("/", 1)[-1]
    rules = {
        "received": [("truc tuyen", "received_online"), ("truc tiep", "received_direct"),
                     ("ky truoc", "carried_over"), ("tong so", "received_total")],
        "resolved": [("truoc han", "resolved_early"), ("dung", "resolved_on_time"),
                     ("qua han", "resolved_late"), ("tong so", "resolved_total")],
        "pending": [("qua han", "pending_overdue"), ("trong han", "pending_in_time"),
                    ("chua den han", "pending_in_time"), ("tong so", "pending_total")],
    }[section]
    for word, measure in rules:
        if word in leaf:
            return measure
    return None


def number(v):
    """A count as written: numbers, Vietnamese '1.234', '-' or blank for zero."""
    if v is None:
        return 0
    if isinstance(v, (int, float)):
        return int(v)
    text = str(v).strip()
    if text in ("", "-"):
        return 0
    if THOUSANDS.match(text):
        return int(text.replace(".", ""))
    return int(float(text.replace(",", ".")))


def is_numeric(v):
    if isinstance(v, (int, float)):
        return True
    try:
        number(v)
        return v is not None and str(v).strip() not in ("", "-")
    except ValueError:
        return False


def form_a_sums(rows):
    """The eleven sums of a Form A sheet, or None when the sheet is not Form A."""
    rows = [list(r) for r in rows]
    top = None
    for r, row in enumerate(rows[:30]):
        if any("nhan giai quyet" in norm(c) or "nhan gq" in norm(c) for c in row):
            top = r
            break
    if top is None:
        return None
    width = max(len(r) for r in rows)
    rows = [r + [None] * (width - len(r)) for r in rows]
    # Header rows: from the top until a row with a number in the measure columns.
    end = top + 1
    while end < len(rows) and end < top + 4:
        cells = rows[end][2:]
        if any(is_numeric(c) for c in cells) or any(NUMBERING.match(norm(c)) for c in cells):
            break
        if all(c is None or norm(c) == "" for c in rows[end]) or GROUP.match(norm(rows[end][0])):
            break
        end += 1
    labels = [[] for _ in range(width)]
    for r in range(top, end):
        last = ""
        for c in range(width):
            text = norm(rows[r][c])
            if text:
                last = text
            elif r < end - 1 and c > 1:
                text = last  # a merged or unmerged parent spans to its right
            if text and (not labels[c] or labels[c][-1] != text):
                labels[c].append(text)
    columns = {}
    for c in range(width):
        m = measure_of(" / ".join(labels[c]))
        if m and m not in columns:
            columns[m] = c
    if len(columns) < len(MEASURES):
        return None
    sums = [0] * len(MEASURES)
    for row in rows[end:]:
        if all(c is None or norm(c) == "" for c in row):
            break
        first = " ".join(norm(c) for c in row[:2])
        if NUMBERING.match(norm(row[0])) or "nguoi lap" in first or first.startswith("ngay"):
            continue
        label = norm(row[1])
        if label.startswith("tong") or label.startswith("cong"):
            continue
        values = [row[columns[m]] for m in MEASURES]
        if not any(is_numeric(v) for v in values):
            continue  # a group row
        for k, v in enumerate(values):
            sums[k] += number(v)
    return sums


def rates(sums):
    resolved = sums[4]
    if resolved == 0:
        return None, None
    return (sums[5] + sums[6]) / resolved, sums[5] / resolved


def consolidate(in_dir, read_sheets):
    """One record per workbook: the first sheet that is Form A, summed, with its rates.
    `read_sheets(path)` gives each sheet as a list of rows — the only part that differs
    between the peers."""
    records = []
    for name in sorted(os.listdir(in_dir)):
        if not name.endswith(".xlsx"):
            continue
        for rows in read_sheets(os.path.join(in_dir, name)):
            sums = form_a_sums(rows)
            if sums is not None:
                on_time, early = rates(sums)
                records.append({"file": name, **dict(zip(MEASURES, sums)), "on_time_rate": on_time,
                                "early_rate": early})
                break
    return records
