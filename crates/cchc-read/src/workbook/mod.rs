//! Reading one workbook: opened by what its bytes are (`open.rs`), each sheet read as
//! the form its header matches (`sheet.rs`), the tables and findings gathered here.

use std::path::Path;

use calamine::{
    open_workbook_from_rs, Ods, Reader, SheetType, SheetVisible, Sheets, Xls, XlsError, Xlsb, Xlsx,
};
use cchc_domain::finding::{a1, Finding, Rule};
use cchc_domain::measure::HeaderAliases;

use cchc_domain::period::Calendar;
use cchc_domain::target::Catalogue;

use crate::form_a::{read_table, FormATable, HeaderMatch};
use crate::form_b::FormBTable;
use crate::form_c::FormCTable;
use crate::form_d::FormDTable;
use crate::grid::Grid;
use crate::header::{find_header_in, Header, HeaderCells, HeaderTexts, Levels};
use crate::meta::{read_meta, SheetMeta};
use crate::sniff::{is_encrypted_package, read_head, scan_ods_content, sniff, Content, Limits};
use cchc_domain::columns::{BColumn, CColumn, DColumn, PhraseLevel, XColumn};
use cchc_domain::measure::{ColumnRole, FormALevel};

mod open;
mod sheet;

pub use open::MAX_DECLARED_CELLS;
use open::{open_by_content, LibrarySource, Opened};
pub use sheet::MAX_SHEET_ROWS;
use sheet::{direct_sheet, merges, read_sheet, sheet_range};

/// File extensions read as workbooks.
pub const WORKBOOK_EXTENSIONS: &[&str] = &[
    "xlsx", "xlsm", "xlsb", "xls", "ods", "xltx", "xltm", "xlt", "fods",
];

/// Other files read: a one-stop-shop system's dossier export saved as CSV.
pub const DATA_EXTENSIONS: &[&str] = &["csv"];

/// A table of one of the four forms.
#[derive(Debug, Clone)]
pub enum TableData {
    /// Dossier results.
    A(FormATable),
    /// Online public services.
    B(FormBTable),
    /// Staffing and public units.
    C(FormCTable),
    /// Other indicators.
    D(FormDTable),
    /// A one-stop-shop system's dossier export: one row per dossier (DOMAIN.md §11).
    X(crate::dossier_export::DossierTable),
}

impl TableData {
    /// The form's letter (a dossier export computes Form A).
    pub fn form(&self) -> cchc_domain::target::Form {
        use cchc_domain::target::Form;
        match self {
            TableData::A(_) | TableData::X(_) => Form::A,
            TableData::B(_) => Form::B,
            TableData::C(_) => Form::C,
            TableData::D(_) => Form::D,
        }
    }

    /// Rows set aside while reading the table.
    pub fn rows_set_aside(&self) -> usize {
        match self {
            TableData::A(t) => t.rows_set_aside,
            TableData::B(t) => t.rows_set_aside,
            TableData::C(t) => t.rows_set_aside,
            TableData::D(t) => t.rows_set_aside,
            TableData::X(t) => t.rows_set_aside,
        }
    }
}

/// A form's table and the lines above it.
#[derive(Debug, Clone)]
pub struct SheetTable {
    /// Sheet name.
    pub sheet: String,
    /// Unit and period lines above the table.
    pub meta: SheetMeta,
    /// The table.
    pub data: TableData,
}

/// What reading needs besides the file: header aliases and the target catalogue
/// (Form D rows are matched to targets).
#[derive(Debug, Clone)]
pub struct ReadContext {
    /// Header alias tables of all forms.
    pub aliases: HeaderAliases,
    /// Targets, for Form D.
    pub catalogue: Catalogue,
    /// Size limits checked before a file is opened.
    pub limits: Limits,
    /// Which periods exist and their dates (`--calendar`).
    pub calendar: Calendar,
    /// The working days dossiers' due dates are counted in (`--workdays`).
    pub workdays: cchc_domain::workdays::WorkCalendar,
}

impl Default for ReadContext {
    fn default() -> Self {
        ReadContext {
            aliases: HeaderAliases::embedded(),
            catalogue: Catalogue::default_2022(),
            limits: Limits::default(),
            calendar: Calendar::official(),
            workdays: cchc_domain::workdays::WorkCalendar::embedded(),
        }
    }
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

/// What a reader keeps from file to file (header texts and what they say to each
/// form, Form D indicator names); one per worker thread.
#[derive(Default)]
pub struct ReadMemo {
    pub(crate) texts: HeaderTexts,
    a: Levels<FormALevel, ColumnRole>,
    b: Levels<PhraseLevel, BColumn>,
    c: Levels<PhraseLevel, CColumn>,
    d: Levels<PhraseLevel, DColumn>,
    pub(crate) x: Levels<PhraseLevel, XColumn>,
    indicators: crate::form_d::IndicatorMemo,
}

impl ReadMemo {
    /// Starts afresh when the header texts have piled up (between sheets only: the
    /// ids of a sheet's window must stay valid while it is searched).
    fn trim(&mut self) {
        if self.texts.len() >= HeaderTexts::CAPACITY {
            self.texts = HeaderTexts::default();
            self.a.clear();
            self.b.clear();
            self.c.clear();
            self.d.clear();
            self.x.clear();
        }
    }
}

/// Reads every sheet of a workbook. Never panics on file content: a panic inside
/// the reading library is caught, quietly, and becomes `file.unreadable`.
pub fn read_workbook(path: &Path, file: &str, ctx: &ReadContext) -> FileRead {
    read_workbook_with(path, file, ctx, &mut ReadMemo::default())
}

/// [`read_workbook`] with calamine for every format (the direct xlsx reader off): what
/// the direct reader is checked against.
pub fn read_workbook_by_library(path: &Path, file: &str, ctx: &ReadContext) -> FileRead {
    read_workbook_inner(path, file, ctx, &mut ReadMemo::default(), false).unwrap_or_else(|e| {
        FileRead {
            file: file.to_string(),
            findings: vec![Finding::file(Rule::FileUnreadable, file, e.into_message())],
            tables: Vec::new(),
        }
    })
}

/// [`read_workbook`] reusing what earlier files taught `memo` (same context only).
pub fn read_workbook_with(
    path: &Path,
    file: &str,
    ctx: &ReadContext,
    memo: &mut ReadMemo,
) -> FileRead {
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if csv {
        return crate::quiet::contain(|| crate::csv_export::read_csv(path, file, ctx, memo))
            .unwrap_or_else(|_| FileRead {
                file: file.to_string(),
                findings: vec![Finding::file(
                    Rule::FileUnreadable,
                    file,
                    "Tệp CSV bị hỏng: không đọc được",
                )],
                tables: Vec::new(),
            });
    }
    // The direct xlsx reader first; a sheet it does not expect sends the whole file
    // to calamine (so a file reads the same whichever reader took it).
    // A panic inside a reading library is caught, and says nothing on stderr
    // (`crate::quiet`).
    let result = crate::quiet::contain(|| {
        read_workbook_inner(path, file, ctx, memo, true)
            .or_else(|_| read_workbook_inner(path, file, ctx, memo, false))
            .unwrap_or_else(|e| FileRead {
                file: file.to_string(),
                findings: vec![Finding::file(
                    Rule::FileUnreadable,
                    file,
                    "Không đọc được tệp: nội dung tệp bị hỏng hoặc có cấu trúc bất thường; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx rồi gửi lại",
                )
                .with_raw(e.into_message())],
                tables: Vec::new(),
            })
    });
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

fn read_workbook_inner(
    path: &Path,
    file: &str,
    ctx: &ReadContext,
    memo: &mut ReadMemo,
    direct: bool,
) -> Result<FileRead, crate::error::ReadError> {
    let mut out = FileRead {
        file: file.to_string(),
        ..FileRead::default()
    };
    let mut wb = match open_by_content(path, file, &ctx.limits, direct, &mut out.findings) {
        Ok(wb) => wb,
        Err(finding) => {
            out.findings.push(*finding);
            return Ok(out);
        }
    };
    let sheets = wb.sheets();
    // The properties (a second part of the file to inflate and parse) are read only
    // when they can matter: a workbook shaped like our report (its first sheet's name,
    // or more sheets than a submission has), or a sheet that holds no form (a filled
    // template's instructions are then passed over silently).
    let mut keywords: Option<String> = None;
    let mut keywords_of =
        |wb: &mut Opened| -> String { keywords.get_or_insert_with(|| wb.keywords()).clone() };
    let looks_like_report = sheets.len() > 8
        || sheets
            .first()
            .is_some_and(|s| s.name == cchc_domain::REPORT_FIRST_SHEET);
    if looks_like_report && keywords_of(&mut wb).contains(cchc_domain::REPORT_MARKER) {
        out.findings.push(Finding::file(
            Rule::FileSkipped,
            file,
            "Đây là báo cáo tổng hợp do cchc tạo ra, không phải báo cáo của đơn vị: bỏ qua",
        ));
        return Ok(out);
    }
    if sheets.is_empty() {
        out.findings.push(Finding::file(
            Rule::FileUnreadable,
            file,
            "Tệp không có trang tính nào",
        ));
    } else if sheets.iter().all(|s| s.typ != SheetType::WorkSheet) {
        // Only chart, dialog or macro sheets: nothing to read, and it must be said (a
        // damaged .xls read this way gave neither a table nor a finding; cargo fuzz).
        out.findings.push(Finding::file(
            Rule::FileUnreadable,
            file,
            "Tệp không có trang tính dữ liệu nào (chỉ có trang biểu đồ hoặc macro): không có gì để đọc",
        ));
    }
    for (index, sheet) in sheets.into_iter().enumerate() {
        if sheet.typ != SheetType::WorkSheet {
            continue;
        }
        if sheet.visible != SheetVisible::Visible {
            out.findings.push(
                Finding::file(
                    Rule::SheetHidden,
                    file,
                    format!("Trang tính \"{}\" bị ẩn: bỏ qua", sheet.name),
                )
                .at(&sheet.name, ""),
            );
            continue;
        }
        // Findings about this sheet's cells start here (see the unrecognised case).
        let sheet_findings_from = out.findings.len();
        let read = match &mut wb {
            // A damaged sheet part is that sheet's finding, as with calamine.
            Opened::Direct(book) => {
                match direct_sheet(book, index, &sheet.name, file, &mut out.findings) {
                    Ok(read) => Ok(read),
                    Err(e) if e.is_damaged() => Err(e.into_message()),
                    Err(e) => return Err(e),
                }
            }
            Opened::Library(lib, uncached) => {
                sheet_range(lib, uncached, &sheet.name, file, &mut out.findings)
                    .map(|range| (range, None))
            }
        };
        let (range, known_merges) = match read {
            Ok(r) => r,
            Err(e) => {
                out.findings.push(
                    Finding::file(
                        Rule::FileUnreadable,
                        file,
                        format!(
                            "Không đọc được trang tính \"{}\": dữ liệu của trang tính bị hỏng; hãy mở tệp bằng Excel, lưu lại rồi gửi lại",
                            sheet.name
                        ),
                    )
                    .at(&sheet.name, "")
                    .with_raw(e),
                );
                continue;
            }
        };
        // Merged regions cost a second pass over the sheet's XML and a complete header
        // reads the same without them (parents are filled from the left, as for .ods):
        // they are loaded only when the sheet does not read completely otherwise.
        let mut grid = Grid::new(sheet.name.clone(), range, Vec::new());
        let mut findings = Vec::new();
        let mut read = read_sheet(&grid, file, ctx, memo, &mut findings);
        // A sheet where no form's header was found at all (a cover or instructions
        // sheet) is not parsed again for merges either: blank parents are filled from
        // the left, so merges only complete a header that was found.
        if read.as_ref().is_some_and(|r| !r.complete) {
            let merged = match (known_merges, &mut wb) {
                (Some(m), _) => m,
                (None, Opened::Library(lib, _)) => merges(lib, &sheet.name),
                (None, Opened::Direct(_)) => Vec::new(),
            };
            if !merged.is_empty() {
                grid.set_merges(merged);
                findings.clear();
                read = read_sheet(&grid, file, ctx, memo, &mut findings);
            }
        }
        out.findings.append(&mut findings);
        match read.map(|r| (r.top, r.data)) {
            Some((top, data)) => {
                let meta = read_meta(&grid, grid.first_row()..top, &ctx.calendar);
                out.tables.push(SheetTable {
                    sheet: sheet.name.clone(),
                    meta,
                    data,
                });
            }
            // A template's instructions sheet is ours, not the unit's: nothing to say.
            None if keywords_of(&mut wb).contains(cchc_domain::TEMPLATE_MARKER) => {}
            None => {
                // Formulas without a value on a sheet that is no form hide no figure: no
                // error for them, a word in the sheet's info finding.
                let tail = out
                    .findings
                    .split_off(sheet_findings_from.min(out.findings.len()));
                let (uncached, keep): (Vec<Finding>, Vec<Finding>) = tail
                    .into_iter()
                    .partition(|f| f.rule == Rule::FormulaUncached && f.sheet == sheet.name);
                out.findings.extend(keep);
                let note = if uncached.is_empty() {
                    ""
                } else {
                    " (trang có ô công thức chưa lưu giá trị; không ảnh hưởng vì trang không được đọc)"
                };
                out.findings.push(
                    Finding::file(
                        Rule::SheetUnrecognized,
                        file,
                        format!(
                            "Trang tính \"{}\" không có biểu mẫu nào được nhận dạng: bỏ qua{note}",
                            sheet.name
                        ),
                    )
                    .at(&sheet.name, ""),
                );
            }
        }
    }
    Ok(out)
}
