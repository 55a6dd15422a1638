"""How many units a tool's Form A sums got right, against the generator's expected.csv.

    python bench/check.py CORPUS_DIR peer OUT.xlsx      (a peer's one-sheet workbook, by file)
    python bench/check.py CORPUS_DIR cchc EXPORT_DIR    (cchc's dossiers.csv, by unit id)

Prints `right/total`. Needs openpyxl for the peers' workbooks.
"""
import csv
import os
import sys

from peers.form_a import MEASURES


def expected(corpus):
    with open(os.path.join(corpus, "expected.csv"), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def peer_sums(path):
    from openpyxl import load_workbook
    ws = load_workbook(path, read_only=True).active
    rows = ws.iter_rows(values_only=True)
    header = list(next(rows))
    out = {}
    for row in rows:
        rec = dict(zip(header, row))
        out[rec["file"]] = [int(rec[m]) for m in MEASURES]
    return out


def cchc_sums(export_dir):
    out = {}
    with open(os.path.join(export_dir, "dossiers.csv"), encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            sums = out.setdefault(rec["unit_id"], [0] * len(MEASURES))
            for k, m in enumerate(MEASURES):
                sums[k] += int(rec[m] or 0)
    return out


def main_result(corpus, kind, path):
    exp = expected(corpus)
    try:
        got = peer_sums(path) if kind == "peer" else cchc_sums(path)
    except (OSError, KeyError, StopIteration) as e:
        return f"no output ({e.__class__.__name__})"
    key = "file" if kind == "peer" else "unit_id"
    right = sum(1 for e in exp if got.get(e[key]) == [int(e[m]) for m in MEASURES])
    return f"{right}/{len(exp)}"


def dossier_rows_right(corpus, path, computed_only):
    """Form A rows of a dossier corpus (`cchc-bench-dossiers`) right, by unit and field:
    a peer's CSV, or cchc's exported dossiers.csv (its computed rows)."""
    with open(os.path.join(corpus, "expected.csv"), encoding="utf-8") as f:
        exp = list(csv.DictReader(f))
    measures = [k for k in exp[0] if k not in ("unit_id", "field")]
    try:
        with open(path, encoding="utf-8") as f:
            got = {(r["unit_id"], r["field"]): r for r in csv.DictReader(f)
                   if not computed_only or r.get("source") == "computed"}
    except (OSError, KeyError) as e:
        return f"no output ({e.__class__.__name__})"
    right = sum(1 for e in exp if (e["unit_id"], e["field"]) in got
                and all(int(got[(e["unit_id"], e["field"])][m]) == int(e[m]) for m in measures))
    extra = len(got) - right if len(got) > len(exp) else 0
    return f"{right}/{len(exp)}" + (f" (+{extra} rows not expected)" if extra else "")


def main(corpus, kind, path):
    print(main_result(corpus, kind, path))


if __name__ == "__main__":
    main(*sys.argv[1:4])
