//! Reads one file with calamine alone, every way cchc asks calamine for something
//! (properties, each sheet's values, formulas and merged regions). Exit 0: calamine read
//! it; 3: calamine refused it with an error. A panic (101), an abort, or a read that
//! does not end is what `tests/canaries.rs` expects of the fixtures of the calamine
//! defects cchc works around (`fuzz/UPSTREAM.md`): the day one of them exits 0 or 3, the
//! calamine upgrade fixed it and cchc's check for it can go.

use calamine::{open_workbook_auto, Reader, Sheets};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (path, as_xlsx) = match &args[..] {
        [p] => (p.clone(), false),
        [flag, p] if flag == "--xlsx" => (p.clone(), true),
        _ => {
            eprintln!("usage: calamine-canary [--xlsx] FILE");
            std::process::exit(2);
        }
    };
    // `--xlsx`: read the file as xlsx whatever its name says (a zip holding both an
    // xlsx's and an ods's parts).
    let opened = if as_xlsx {
        calamine::open_workbook::<calamine::Xlsx<_>, _>(&path)
            .map(Sheets::Xlsx)
            .map_err(calamine::Error::Xlsx)
    } else {
        open_workbook_auto(&path)
    };
    let mut wb = match opened {
        Ok(wb) => wb,
        Err(e) => {
            eprintln!("calamine: {e}");
            std::process::exit(3);
        }
    };
    let mut refused = wb.workbook_properties().is_err();
    for name in wb.sheet_names() {
        refused |= wb.worksheet_range(&name).is_err();
        refused |= wb.worksheet_formula(&name).is_err();
        refused |= match &mut wb {
            Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).is_err(),
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).is_err(),
            Sheets::Xlsb(_) | Sheets::Ods(_) => false,
        };
    }
    std::process::exit(if refused { 3 } else { 0 });
}
