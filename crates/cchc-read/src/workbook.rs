//! Opening one workbook and reading every Form A table in it.

use std::path::Path;

use calamine::{open_workbook_auto, Reader, SheetType, SheetVisible, Sheets};
use cchc_domain::finding::{Finding, Rule};
use cchc_domain::measure::HeaderAliases;

use crate::form_a::{find_header, read_table, FormATable};
use crate::grid::Grid;
use crate::meta::{read_meta, SheetMeta};

/// File extensions read as workbooks.
pub const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// A Form A table and the lines above it.
#[derive(Debug, Clone)]
pub struct SheetTable {
    /// Sheet name.
    pub sheet: String,
    /// Unit and period lines above the table.
    pub meta: SheetMeta,
    /// The table.
    pub table: FormATable,
}

/// Everything read from one file.
#[derive(Debug, Clone, Default)]
pub struct FileRead {
    /// The file as named in findings and exports.
    pub file: String,
    /// Findings about this file.
    pub findings: Vec<Finding>,
    /// Form A tables, in sheet order.
    pub tables: Vec<SheetTable>,
}

fn merges<RS: std::io::Read + std::io::Seek>(wb: &mut Sheets<RS>, name: &str) -> Vec<calamine::Dimensions> {
    match wb {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        // xlsb and ods: calamine reports no merges; the header reader copes (grid::header_paths).
        Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
    }
}

/// Reads every sheet of a workbook. Never panics on file content: a panic inside
/// the reading library is caught and becomes `file.unreadable`.
pub fn read_workbook(path: &Path, file: &str, aliases: &HeaderAliases) -> FileRead {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_workbook_inner(path, file, aliases)));
    result.unwrap_or_else(|_| FileRead {
        file: file.to_string(),
        findings: vec![Finding::file(
            Rule::FileUnreadable,
            file,
            "Tệp bị hỏng: thư viện đọc gặp lỗi nghiêm trọng khi mở tệp; hãy mở và lưu lại bằng Excel rồi gửi lại",
        )],
        tables: Vec::new(),
    })
}

fn read_workbook_inner(path: &Path, file: &str, aliases: &HeaderAliases) -> FileRead {
    let mut out = FileRead { file: file.to_string(), ..FileRead::default() };
    let mut wb = match open_workbook_auto(path) {
        Ok(wb) => wb,
        Err(e) => {
            out.findings.push(
                Finding::file(Rule::FileUnreadable, file, format!("Không đọc được tệp bảng tính: {e}")).with_raw(e.to_string()),
            );
            return out;
        }
    };
    let is_own_report = wb
        .workbook_properties()
        .ok()
        .and_then(|p| p.keywords)
        .is_some_and(|k| k.contains(cchc_domain::REPORT_MARKER));
    if is_own_report {
        out.findings.push(Finding::file(Rule::FileSkipped, file, "Đây là báo cáo tổng hợp do cchc tạo ra, không phải báo cáo của đơn vị: bỏ qua"));
        return out;
    }
    let sheets = wb.sheets_metadata().to_vec();
    if sheets.is_empty() {
        out.findings.push(Finding::file(Rule::FileUnreadable, file, "Tệp không có trang tính nào"));
    }
    for sheet in sheets {
        if sheet.typ != SheetType::WorkSheet {
            continue;
        }
        if sheet.visible != SheetVisible::Visible {
            out.findings.push(
                Finding::file(Rule::SheetHidden, file, format!("Trang tính \"{}\" bị ẩn: bỏ qua", sheet.name)).at(&sheet.name, ""),
            );
            continue;
        }
        let range = match wb.worksheet_range(&sheet.name) {
            Ok(r) => r,
            Err(e) => {
                out.findings.push(
                    Finding::file(Rule::FileUnreadable, file, format!("Không đọc được trang tính \"{}\": {e}", sheet.name))
                        .at(&sheet.name, ""),
                );
                continue;
            }
        };
        let merged = merges(&mut wb, &sheet.name);
        let grid = Grid::new(sheet.name.clone(), range, merged);
        match find_header(&grid, aliases) {
            Some(header) => {
                let meta = read_meta(&grid, grid.first_row()..header.top);
                let table = read_table(&grid, header, file, &mut out.findings);
                out.tables.push(SheetTable { sheet: sheet.name.clone(), meta, table });
            }
            None => out.findings.push(
                Finding::file(
                    Rule::SheetUnrecognized,
                    file,
                    format!("Trang tính \"{}\" không có biểu mẫu nào được nhận dạng: bỏ qua", sheet.name),
                )
                .at(&sheet.name, ""),
            ),
        }
    }
    out
}
