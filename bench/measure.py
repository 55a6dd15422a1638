"""Times cchc and its peers on generated corpora and writes bench/RESULTS.md.

Run through `bench/run`, which builds the binaries (the `profiling` profile: release code
with symbols) and the Python venv first.
Each tool runs as a whole process: one warm-up run (so every tool reads from the page
cache), then --runs timed rounds in which every tool runs once in turn (so load from
other work on shared cores falls on all tools alike); wall time and CPU time (user +
system) are medians,
peak RSS the largest of the runs (CPU and RSS from GNU time). Every tool's Form A sums are
checked against the generator's expected.csv after its last run.
"""
import argparse
import datetime
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import check  # noqa: E402


def run_once(cmd, env=None):
    """One run under GNU time, which forks from a small process: peak RSS measured from
    a fork of this Python process would include the interpreter's own pages."""
    stats = os.path.join(HERE, "work", ".time")
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", stats, *cmd], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    user, system, rss_kb = open(stats).read().split()[-3:]
    return {"wall": wall, "cpu": float(user) + float(system), "rss_mb": int(rss_kb) / 1024,
            "code": proc.returncode, "stderr": proc.stderr.decode("utf-8", "replace")}


def summarise(results):
    walls = sorted(r["wall"] for r in results)
    return {
        "wall": statistics.median(walls), "wall_min": walls[0], "wall_max": walls[-1],
        "cpu": statistics.median(r["cpu"] for r in results),
        "rss_mb": max(r["rss_mb"] for r in results),
        "code": results[-1]["code"], "stderr": results[-1]["stderr"], "runs": len(results),
    }


def measure_round_robin(tools, env):
    """Runs the tools in turn, round after round, so that a change in the machine's load
    (shared cores) falls on every tool alike rather than on whichever ran then."""
    for _, name, cmd, _, _ in tools:
        run_once(cmd, env)  # warm-up
    results = {key: [] for key, *_ in tools}
    for round_ in range(max(runs for *_, runs, _ in tools)):
        # Each round in its own (seeded) order: in a fixed order the same tool always
        # follows pandas' 20-second single-threaded run, whatever that does to the
        # machine (a second core left idle that long) falling on it alone.
        order = list(tools)
        random.Random(round_).shuffle(order)
        for key, name, cmd, runs, _ in order:
            if round_ < runs:
                results[key].append(run_once(cmd, env))
        print(f"    round {round_ + 1} done", flush=True)
    return {key: summarise(r) for key, r in results.items()}


def corpus(bin_dir, n, seed):
    path = os.path.join(HERE, "corpus", str(n))
    stamp = os.path.join(path, "seed")
    if not (os.path.exists(stamp) and open(stamp).read().strip() == str(seed)):
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([os.path.join(bin_dir, "cchc-bench-gen"), "--count", str(n), "--seed", str(seed),
                        "--out", path], check=True)
        with open(stamp, "w") as f:
            f.write(f"{seed}\n")
    files = [os.path.join(path, "in", f) for f in os.listdir(os.path.join(path, "in"))]
    return path, sum(os.path.getsize(f) for f in files)


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
        mem = f"{mem / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        mem = "?"
    import importlib.metadata as md
    versions = []
    for pkg in ["pandas", "openpyxl", "polars", "fastexcel", "xlsxwriter"]:
        try:
            versions.append(f"{pkg} {md.version(pkg)}")
        except md.PackageNotFoundError:
            pass
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores; memory {mem}",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Rust: {sh(['rustc', '--version'])}; calamine {calamine_version()}",
        f"- Python {platform.python_version()}: {', '.join(versions)}",
    ]


def calamine_version():
    lock = os.path.join(ROOT, "Cargo.lock")
    lines = open(lock).read().splitlines()
    for i, line in enumerate(lines):
        if line == 'name = "calamine"':
            return lines[i + 1].split('"')[1]
    return "?"


def timings(stderr):
    """The phase timings cchc prints with CCHC_TIMINGS=1."""
    return [line.strip() for line in stderr.splitlines() if line.startswith("timing")]


# Parts of a `cchc check` run, by the function whose inclusive instruction count
# measures them (callgrind; substrings of the demangled names).
PROFILE_PARTS = [
    ("cchc xlsx reader: open a workbook (workbook, relationships, shared strings, number formats)",
     "cchc_read::xlsx::Book<R>::open"),
    ("cchc xlsx reader: a sheet's cells and merged regions", "cchc_read::xlsx::Book<R>::sheet_cells"),
    ("cchc xlsx reader: inflating parts (within the two above)", "cchc_read::xlsx::Book<R>::load"),
    ("calamine (xls, ods, xlsb): open a workbook", "as calamine::Reader<RS>>::new"),
    ("calamine (xls, ods, xlsb): read a sheet's cells", "as calamine::Reader<RS>>::worksheet_range"),
    ("calamine (xls, ods, xlsb): merged regions", "merge_cells_by_sheet_name"),
    ("cchc: forms recognised (header search, all forms)", "cchc_read::header::find_header_in"),
    ("cchc: header window normalised", "cchc_read::header::HeaderCells::new"),
    ("cchc: Form A rows read and checked", "cchc_read::form_a::read_table"),
    ("cchc: Form B rows", "cchc_read::form_b::read_table"),
    ("cchc: Form C rows", "cchc_read::form_c::read_table"),
    ("cchc: Form D rows (indicator matching)", "cchc_read::form_d::read_table"),
    ("cchc: unit and period lines", "cchc_read::meta::read_meta"),
    ("cchc: batch assembly (units, periods, duplicates, missing)", "cchc_read::batch::assemble"),
    ("cchc: unit registry indexed (beside the reading)", "cchc_domain::unit::Registry::from_units"),
]


def profile(cchc, path):
    """Instruction counts of the parts of `cchc check` on a corpus (callgrind: the same
    count on every run, whatever else the machine does)."""
    if not (shutil.which("valgrind") and shutil.which("callgrind_annotate")):
        return []
    out = os.path.join(HERE, "work", "callgrind.out")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", cchc, "check",
                    os.path.join(path, "in"), "--registry", os.path.join(path, "units.csv")],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", out], capture_output=True, text=True).stdout
    total, counts = 0, {}
    for line in text.splitlines():
        parts = line.split(None, 2)
        if len(parts) < 3 or not parts[0].replace(",", "").isdigit():
            continue
        n = int(parts[0].replace(",", ""))
        if "PROGRAM TOTALS" in line:
            total = n
        for label, needle in PROFILE_PARTS:
            if needle in parts[2]:
                counts[label] = max(counts.get(label, 0), n)
    if not total:
        return []
    rows = ["| part | instructions | share |", "|---|---|---|"]
    for label, _ in PROFILE_PARTS:
        n = counts.get(label, 0)
        rows.append(f"| {label} | {n / 1e6:,.1f} M | {100 * n / total:.1f} % |")
    rows.append(f"| whole run | {total / 1e6:,.1f} M | 100 % |")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--slow-runs", type=int, default=3, help="runs for the pandas peer")
    ap.add_argument("--slow-max", type=int, default=1000, help="largest corpus the pandas peer runs on")
    ap.add_argument("--seed", type=int, default=20220314)
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--dossier-rows", type=int, default=1_000_000,
                    help="dossiers in the one-stop-shop export corpora (0: none)")
    ap.add_argument("--dossier-slow-runs", type=int, default=1,
                    help="runs for pandas on the xlsx export, and for the memory run")
    ap.add_argument("--dossier-stream-rows", type=int, default=10_000_000,
                    help="dossiers in the CSV export cchc check's peak memory is measured on (0: none)")
    ap.add_argument("--dossiers-only", action="store_true",
                    help="only the dossier corpora; RESULTS.md keeps its other sections")
    ap.add_argument("--serve-only", action="store_true",
                    help="only the collection page's load; RESULTS.md keeps its other sections")
    args = ap.parse_args()
    sizes = [] if args.dossiers_only else [int(s) for s in args.sizes.split(",") if s]
    work = os.path.join(HERE, "work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if args.dossiers_only or args.serve_only:
        kept = open(args.out, encoding="utf-8").read() if os.path.exists(args.out) else "# Benchmark results\n"
        dossier_part = DOSSIER_HEADING + kept.split(DOSSIER_HEADING)[1].split(SERVE_HEADING)[0] \
            if DOSSIER_HEADING in kept else ""
        serve_part = SERVE_HEADING + kept.split(SERVE_HEADING)[1] if SERVE_HEADING in kept else ""
        head = kept.split(DOSSIER_HEADING)[0].split(SERVE_HEADING)[0].rstrip() + "\n\n"
        if args.dossiers_only:
            dossier_part = "\n".join(dossiers(args, work) if args.dossier_rows else []).rstrip() + "\n\n"
        if args.serve_only:
            serve_part = "\n".join(serve_load(args.runs)).rstrip() + "\n"
        with open(args.out, "w", encoding="utf-8") as f:
            f.write((head + dossier_part.rstrip() + "\n\n" + serve_part).rstrip() + "\n")
        print(f"wrote {args.out}")
        return
    py = sys.executable
    cchc = os.path.join(args.bin_dir, "cchc")
    floor = os.path.join(args.bin_dir, "calamine-floor")
    sections = []
    summary = {}
    for n in sizes:
        path, size = corpus(args.bin_dir, n, args.seed)
        inp = os.path.join(path, "in")
        out = os.path.join(work, str(n))
        os.makedirs(out)
        exports = os.path.join(out, "exports")
        tools = [
            ("cchc", "cchc consolidate (all forms, checks, attainment, report, exports)",
             [cchc, "consolidate", inp, "--registry", os.path.join(path, "units.csv"), "-o",
              os.path.join(out, "report.xlsx"), "--export", exports], args.runs, ("cchc", exports)),
            ("floor1", "calamine, read all sheets, 1 thread", [floor, "--threads", "1", inp], args.runs, None),
            ("floor2", "calamine, read all sheets, 2 threads", [floor, "--threads", "2", inp], args.runs, None),
            ("polars", "polars read_excel (calamine), Form A only",
             [py, os.path.join(HERE, "peers", "polars_read_excel.py"), inp, os.path.join(out, "polars.xlsx")],
             args.runs, ("peer", os.path.join(out, "polars.xlsx"))),
        ]
        if n <= args.slow_max:
            tools.append(("pandas", "pandas + openpyxl, Form A only",
                          [py, os.path.join(HERE, "peers", "pandas_openpyxl.py"), inp, os.path.join(out, "pandas.xlsx")],
                          args.slow_runs, ("peer", os.path.join(out, "pandas.xlsx"))))
        rows = []
        print(f"[{n}] {', '.join(name for _, name, *_ in tools)} …", flush=True)
        # Timed as users run it: CCHC_TIMINGS's memory sampler (a thread reading
        # jemalloc's statistics every 2 ms) costs the run about 6 %. The phase timings
        # come from one more run with it on, after the timed rounds.
        plain = {k: v for k, v in os.environ.items() if k != "CCHC_TIMINGS"}
        measured = measure_round_robin(tools, plain)
        timed = run_once(tools[0][2], dict(plain, CCHC_TIMINGS="1"))
        for key, name, cmd, runs, verify in tools:
            r = measured[key]
            r["name"], r["key"] = name, key
            r["right"] = check.main_result(path, *verify) if verify else "–"
            rows.append(r)
            print(f"    {r['wall']:.3f} s wall, {r['cpu']:.3f} s CPU, {r['rss_mb']:.0f} MB, exit {r['code']}, "
                  f"right {r['right']}", flush=True)
        base = rows[0]
        table = ["| tool | wall median (min–max) | CPU | peak RSS | wall ÷ cchc | Form A sums right | exit |",
                 "|---|---|---|---|---|---|---|"]
        for r in rows:
            table.append(f"| {r['name']} | {r['wall']:.3f} s ({r['wall_min']:.3f}–{r['wall_max']:.3f}) | "
                         f"{r['cpu']:.3f} s | {r['rss_mb']:.0f} MB | {r['wall'] / base['wall']:.2f}× | "
                         f"{r['right']} | {r['code']} |")
        if n > args.slow_max:
            table.append("| pandas + openpyxl, Form A only | not run at this size (≈ 10× its 1,000 time) | | | | | |")
        prof = timings(timed["stderr"])
        sections.append((n, size, table, prof, rows))
        summary[n] = {r["key"]: r for r in rows}

    lines = ["# Benchmark results", "",
             f"Written by `bench/run` on {datetime.date.today().isoformat()}; do not edit by hand.", "",
             "## Machine", ""] + machine() + [
             "", "## Method", "",
             "Each corpus is written by `cchc-bench-gen` (seed "
             f"{args.seed}): one workbook per unit with Forms A–D in the layouts of docs/contract.md §3. "
             "Every tool runs as a whole process: one warm-up run each, then timed rounds in which "
             "each tool runs once, in an order shuffled anew each round (seeded) "
             f"({args.runs}; pandas {args.slow_runs}). Wall and CPU (user + system) are medians, "
             "peak RSS the largest of the runs (GNU time). `Form A sums right` compares each tool's per-unit "
             "Form A sums with the generator's own figures. The peers do less than cchc: Form A "
             "only, no checks, no attainment, a one-sheet output. cchc is timed without "
             "`CCHC_TIMINGS`; its phase timings below come from one more run with it.", ""]
    for n, size, table, prof, _ in sections:
        lines += [f"## {n:,} workbooks ({size / 1e6:.1f} MB)", ""] + table + [""]
        if prof:
            lines += ["Where cchc's time goes (its own phase timings, one run with `CCHC_TIMINGS=1`):", "", "```"] + prof + ["```", ""]
    if sizes:
        path, _ = corpus(args.bin_dir, min(sizes), args.seed)
        prof = profile(cchc, path)
        if prof:
            lines += [f"## Where reading goes ({min(sizes):,} workbooks, `cchc check`, callgrind)", "",
                      "Inclusive instruction counts of the parts of a run, from valgrind's callgrind "
                      "(deterministic; parts nest, so shares do not add up to 100 %). xlsx files are read "
                      "by cchc's own reader (`crates/cchc-read/src/xlsx.rs`), the others by calamine.", ""] + prof + [""]
    lines += targets(summary)
    if args.dossier_rows:
        lines += dossiers(args, work)
    lines += serve_load(args.runs)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    print(f"wrote {args.out}")


DOSSIER_HEADING = "## One-stop-shop dossier exports"
SERVE_HEADING = "## The collection page (cchc serve)"


def serve_load(runs):
    """The collection page's load test (crates/cchc-serve/tests/load.rs) built like the
    bench's binaries: 30 clients uploading 600 files at once over loopback; each run's
    figures from its LOAD line, the median run's kept."""
    import json
    results = []
    for _ in range(runs):
        out = subprocess.run(["cargo", "test", "--profile", "profiling", "-p", "cchc-serve", "--test", "load",
                              "--", "--nocapture"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        line = next(l for l in out.splitlines() if l.startswith("LOAD "))
        results.append(json.loads(line[len("LOAD "):]))
    results.sort(key=lambda r: r["wall_s"])
    r = results[len(results) // 2]
    return [SERVE_HEADING, "",
            f"`crates/cchc-serve/tests/load.rs` (profiling build, median of {runs} runs): {r['clients']} clients "
            f"on loopback uploading {r['uploads']} workbooks at once (the samples' clean ones, each checked by "
            "the library as it arrives, every one recorded once).", "",
            "| uploads | wall | uploads a second | p95 of an upload (round trip, check included) | peak RSS (server and clients) |",
            "|---|---|---|---|---|",
            f"| {r['uploads']} | {r['wall_s']:.2f} s | {r['uploads_per_s']:.0f} | {r['p95_s'] * 1000:.0f} ms | {r['peak_mb']:.0f} MB |",
            ""]


def dossier_corpus(bin_dir, rows, seed, csv):
    kind = "csv" if csv else "xlsx"
    path = os.path.join(HERE, "corpus", f"dossiers-{rows}-{kind}")
    stamp = os.path.join(path, "seed")
    if not (os.path.exists(stamp) and open(stamp).read().strip() == str(seed)):
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([os.path.join(bin_dir, "cchc-bench-dossiers"), "--rows", str(rows), "--seed", str(seed),
                        "--out", path] + (["--csv"] if csv else []), check=True, stdout=subprocess.DEVNULL)
        with open(stamp, "w") as f:
            f.write(f"{seed}\n")
    inp = os.path.join(path, "in")
    return path, sum(os.path.getsize(os.path.join(inp, f)) for f in os.listdir(inp))


def dossiers(args, work):
    """The dossier corpora (issue 18): a million dossiers as one CSV and as xlsx files
    of 50,000 rows; cchc against the same classification in polars and pandas."""
    py = sys.executable
    cchc = os.path.join(args.bin_dir, "cchc")
    lines = [DOSSIER_HEADING, "",
             f"`cchc-bench-dossiers --rows {args.dossier_rows:,}` (seed {args.seed}): the export of a "
             "one-stop-shop system, 200 units, Form A of 2022-Q1 classified by the generator "
             "itself in `expected.csv`. The peers (`bench/peers/dossiers_*.py`) read the export and "
             "classify it with the same rules, as an analyst would; cchc also finds duplicates and "
             "incomplete rows, ties agencies to the registry, lists the late dossiers and "
             "reconciles. Same method as above (warm-up, shuffled rounds, medians).", ""]
    ratios = {}
    for csv in (True, False):
        path, size = dossier_corpus(args.bin_dir, args.dossier_rows, args.seed, csv)
        kind = "CSV" if csv else "xlsx"
        inp, units = os.path.join(path, "in"), os.path.join(path, "units.csv")
        out = os.path.join(work, f"dossiers-{kind}")
        os.makedirs(out)
        exports = os.path.join(out, "exports")
        common = ["--registry", units, "--period", "2022-Q1"]
        tools = [
            ("check", "cchc check (read, classify, reconcile)", [cchc, "check", inp] + common, args.runs, None),
            ("cchc", "cchc consolidate --export (+ report, every export)",
             [cchc, "consolidate", inp] + common + ["-o", os.path.join(out, "report.xlsx"), "--export", exports],
             args.runs, (os.path.join(exports, "dossiers.csv"), True)),
            ("polars", "polars script", [py, os.path.join(HERE, "peers", "dossiers_polars.py"), inp,
                                         os.path.join(out, "polars.csv")], args.runs,
             (os.path.join(out, "polars.csv"), False)),
            ("pandas", "pandas script" + ("" if csv else " (openpyxl)"),
             [py, os.path.join(HERE, "peers", "dossiers_pandas.py"), inp, os.path.join(out, "pandas.csv")],
             args.runs if csv else args.dossier_slow_runs, (os.path.join(out, "pandas.csv"), False)),
        ]
        if csv:
            # The floor: the peers' CSV readers alone, nothing classified.
            read_only = os.path.join(HERE, "peers", "dossiers_read_only.py")
            tools += [("polars_read", "polars read_csv only (all text, no classification)",
                       [py, read_only, "polars", inp], args.runs, None),
                      ("pandas_read", "pandas read_csv only (all text, no classification)",
                       [py, read_only, "pandas", inp], args.runs, None)]
        print(f"[dossiers {kind}] {', '.join(name for _, name, *_ in tools)} …", flush=True)
        plain = {k: v for k, v in os.environ.items() if k != "CCHC_TIMINGS"}
        measured = measure_round_robin(tools, plain)
        table = ["| tool | wall median (min–max) | CPU | peak RSS | wall ÷ cchc check | Form A rows right | exit |",
                 "|---|---|---|---|---|---|---|"]
        base = measured["check"]["wall"]
        for key, name, _, _, verify in tools:
            r = measured[key]
            right = check.dossier_rows_right(path, *verify) if verify else "–"
            print(f"    {name}: {r['wall']:.3f} s wall, {r['cpu']:.3f} s CPU, {r['rss_mb']:.0f} MB, "
                  f"exit {r['code']}, right {right}", flush=True)
            table.append(f"| {name} | {r['wall']:.3f} s ({r['wall_min']:.3f}–{r['wall_max']:.3f}) | "
                         f"{r['cpu']:.3f} s | {r['rss_mb']:.0f} MB | {r['wall'] / base:.2f}× | {right} | "
                         f"{r['code']} |")
        ratios[kind] = measured
        lines += [f"### {args.dossier_rows:,} dossiers, {kind} ({size / 1e6:.1f} MB)", ""] + table + [""]
    stream = dossier_stream(args, work) if args.dossier_stream_rows else None
    if stream:
        lines += stream["lines"]
    lines += ["### Against the targets of issue 18", ""]
    for kind, m in ratios.items():
        c = m["check"]["wall"]
        lines.append(f"- {kind}: the polars script takes {m['polars']['wall'] / c:.2f}× cchc check's wall "
                     f"time (target ≥ 1), pandas {m['pandas']['wall'] / c:.1f}× (target ≥ 10).")
        if "polars_read" in m:
            tenth = m["pandas"]["wall"] / 10
            lines.append(f"  Ten times pandas means the whole check in {tenth:.3f} s; polars only reading "
                         f"the file as text takes {m['polars_read']['wall']:.3f} s, pandas only reading it "
                         f"{m['pandas_read']['wall']:.3f} s.")
    if stream:
        r = stream["check"]
        lines.append(f"- {args.dossier_stream_rows:,} CSV rows: cchc check peaks at {r['rss_mb']:.0f} MB "
                     f"(target ≤ 1 GB = 1,000 MB), {r['wall']:.1f} s.")
    return lines + [""]


def dossier_stream(args, work):
    """cchc check on tens of millions of CSV dossiers: its peak memory (issue 18's bound)."""
    rows = args.dossier_stream_rows
    path, size = dossier_corpus(args.bin_dir, rows, args.seed, True)
    cchc = os.path.join(args.bin_dir, "cchc")
    cmd = [cchc, "check", os.path.join(path, "in"), "--registry", os.path.join(path, "units.csv"),
           "--period", "2022-Q1"]
    print(f"[dossiers {rows:,} CSV] cchc check …", flush=True)
    plain = {k: v for k, v in os.environ.items() if k != "CCHC_TIMINGS"}
    r = measure_round_robin([("check", "cchc check", cmd, args.dossier_slow_runs, None)], plain)["check"]
    print(f"    {r['wall']:.3f} s wall, {r['rss_mb']:.0f} MB, exit {r['code']}", flush=True)
    return {"check": r, "lines": [
        f"### {rows:,} dossiers, CSV ({size / 1e6:.0f} MB): memory", "",
        "| tool | wall median (min–max) | CPU | peak RSS | exit |", "|---|---|---|---|---|",
        f"| cchc check | {r['wall']:.3f} s ({r['wall_min']:.3f}–{r['wall_max']:.3f}) | {r['cpu']:.3f} s | "
        f"{r['rss_mb']:.0f} MB | {r['code']} |", ""]}


def targets(summary):
    out = ["## Against the targets of issue 5", ""]
    if 1000 in summary:
        s = summary[1000]
        cchc, floor2 = s["cchc"], s["floor2"]
        out.append(f"- 1,000 workbooks: cchc {cchc['wall']:.3f} s = {cchc['wall'] / floor2['wall']:.2f}× the "
                   f"two-thread calamine floor ({floor2['wall']:.3f} s); target ≤ 1.5×. In CPU time: "
                   f"{cchc['cpu']:.2f} s against {floor2['cpu']:.2f} s ({cchc['cpu'] / floor2['cpu']:.2f}×).")
        for key, goal in [("pandas", 60), ("polars", 7)]:
            if key in s:
                out.append(f"- {s[key]['name']}: {s[key]['wall'] / cchc['wall']:.1f}× cchc's wall time; "
                           f"target ≥ {goal}×.")
        out.append(f"- Peak memory at 1,000: {cchc['rss_mb']:.0f} MB; target ≤ 100 MB.")
    if 10000 in summary:
        out.append(f"- Peak memory at 10,000: {summary[10000]['cchc']['rss_mb']:.0f} MB; target ≤ 200 MB.")
    per = [(n, s["cchc"]["wall"] / n * 1000) for n, s in sorted(summary.items())]
    if len(per) > 1:
        out.append("- Linear growth: cchc wall time per workbook " +
                   ", ".join(f"{ms:.2f} ms at {n:,}" for n, ms in per) + ".")
    return out + [""]


if __name__ == "__main__":
    main()
