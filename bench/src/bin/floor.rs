//! The floor no calamine-based tool can beat: open every workbook under a folder and
//! read every sheet's cells, nothing else.
//!
//! `calamine-floor --threads T DIR` prints the number of files, sheets and non-empty
//! cells read (so the work cannot be optimised away, and runs can be compared).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use calamine::{open_workbook_auto, Data, Reader};
use rayon::prelude::*;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if matches!(
            path.extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// (sheets, non-empty cells) of one workbook; unreadable files count as zero.
fn read_all(path: &Path) -> (usize, usize) {
    let Ok(mut wb) = open_workbook_auto(path) else {
        return (0, 0);
    };
    let names = wb.sheet_names();
    let mut cells = 0;
    for name in &names {
        if let Ok(range) = wb.worksheet_range(name) {
            cells += range
                .used_cells()
                .filter(|(_, _, d)| !matches!(d, Data::Empty))
                .count();
        }
    }
    (names.len(), cells)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (threads, dir) = match args.as_slice() {
        [flag, t, dir] if flag == "--threads" => (
            t.parse::<usize>().context("--threads N")?,
            PathBuf::from(dir),
        ),
        _ => bail!("usage: calamine-floor --threads N DIR"),
    };
    let mut files = Vec::new();
    walk(&dir, &mut files)?;
    files.sort();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let (sheets, cells) = pool.install(|| {
        files
            .par_iter()
            .map(|p| read_all(p))
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    println!("{} files, {sheets} sheets, {cells} cells", files.len());
    Ok(())
}
