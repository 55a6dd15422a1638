//! Opening one workbook and reading every Form A table in it.

use std::path::Path;

use calamine::{
    open_workbook, Ods, Reader, SheetType, SheetVisible, Sheets, Xls, XlsError, Xlsb, Xlsx,
};
use cchc_domain::finding::{a1, Finding, Rule};
use cchc_domain::measure::HeaderAliases;

use cchc_domain::target::Catalogue;

use crate::form_a::{read_table, FormATable, HeaderMatch};
use crate::form_b::FormBTable;
use crate::form_c::FormCTable;
use crate::form_d::FormDTable;
use crate::grid::Grid;
use crate::header::{find_header_in, Header, HeaderCells, HeaderTexts, Levels};
use crate::meta::{read_meta, SheetMeta};
use crate::sniff::{
    is_encrypted_package, open_zip, read_head, scan_ods_content, sniff, Content, Limits,
};
use cchc_domain::columns::{BColumn, CColumn, DColumn, PhraseLevel};
use cchc_domain::measure::{ColumnRole, FormALevel};

/// File extensions read as workbooks.
pub const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

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
}

impl TableData {
    /// The form's letter.
    pub fn form(&self) -> cchc_domain::target::Form {
        use cchc_domain::target::Form;
        match self {
            TableData::A(_) => Form::A,
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
}

impl Default for ReadContext {
    fn default() -> Self {
        ReadContext {
            aliases: HeaderAliases::embedded(),
            catalogue: Catalogue::default_2022(),
            limits: Limits::default(),
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

fn merges<RS: std::io::Read + std::io::Seek>(
    wb: &mut Sheets<RS>,
    name: &str,
) -> Vec<calamine::Dimensions> {
    match wb {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        // xlsb and ods: calamine reports no merges; the header reader copes (grid::header_paths).
        Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
    }
}

/// What a reader keeps from file to file (header texts and what they say to each
/// form, Form D indicator names); one per worker thread.
#[derive(Default)]
pub struct ReadMemo {
    texts: HeaderTexts,
    a: Levels<FormALevel, ColumnRole>,
    b: Levels<PhraseLevel, BColumn>,
    c: Levels<PhraseLevel, CColumn>,
    d: Levels<PhraseLevel, DColumn>,
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
        }
    }
}

/// An opened workbook: most xlsx files by the direct reader ([`crate::xlsx`]), the
/// rest by calamine.
enum Opened {
    Direct(crate::xlsx::Book<std::io::Cursor<Vec<u8>>>),
    /// With an .ods file's formulas saved without a value (calamine reads them as blanks).
    Library(
        Sheets<std::io::BufReader<std::fs::File>>,
        Vec<crate::sniff::UncachedBlock>,
    ),
}

impl Opened {
    fn sheets(&self) -> Vec<calamine::Sheet> {
        match self {
            Opened::Direct(book) => book.sheets.clone(),
            Opened::Library(wb, _) => wb.sheets_metadata().to_vec(),
        }
    }

    fn keywords(&mut self) -> String {
        match self {
            Opened::Direct(book) => book.keywords(),
            Opened::Library(wb, _) => wb
                .workbook_properties()
                .ok()
                .and_then(|p| p.keywords)
                .unwrap_or_default(),
        }
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
}

/// Opens a workbook by what its bytes say it is, not by its name; anything that is not
/// a readable workbook, or is over the limits, becomes the file's finding.
fn open_by_content(
    path: &Path,
    file: &str,
    limits: &Limits,
    direct: bool,
) -> Result<Opened, Box<Finding>> {
    let unreadable = |message: String| Box::new(Finding::file(Rule::FileUnreadable, file, message));
    let io = |e: std::io::Error| {
        Box::new(
            Finding::file(
                Rule::FileUnreadable,
                file,
                format!("Không đọc được tệp: {e}"),
            )
            .with_raw(e.to_string()),
        )
    };
    let too_large = |what: &str, size: u64, limit: u64| {
        Box::new(
            Finding::file(
                Rule::FileTooLarge,
                file,
                format!(
                    "{what} {} MB, vượt giới hạn {} MB: không đọc (báo cáo của một đơn vị thường dưới 1 MB; nếu đúng là báo cáo, chạy lại với --max-file-mb lớn hơn)",
                    megabytes(size),
                    megabytes(limit)
                ),
            )
            .with_raw(size.to_string()),
        )
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > limits.max_file_bytes {
        return Err(too_large("Tệp lớn", size, limits.max_file_bytes));
    }
    let head = read_head(path, 4096).map_err(io)?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let resave =
        "hãy mở tệp bằng Excel, chọn Lưu thành (Save As) kiểu Excel Workbook (.xlsx) rồi gửi lại";
    let encrypted = || {
        unreadable("Tệp được đặt mật khẩu (mã hoá): không đọc được; hãy gỡ mật khẩu (File > Info > Protect Workbook) rồi gửi lại".into())
    };
    match sniff(&head) {
        Content::Empty => Err(unreadable("Tệp rỗng (0 byte): hãy gửi lại tệp báo cáo".into())),
        Content::Html => Err(unreadable(format!(
            "Tệp có đuôi .{ext} nhưng thực chất là một trang HTML (thường do phần mềm trên web xuất ra), không phải bảng tính: {resave}"
        ))),
        Content::Xml2003 => Err(unreadable(format!("Tệp là bảng tính XML của Excel 2003, không đọc được: {resave}"))),
        Content::Text => Err(unreadable(format!(
            "Tệp có đuôi .{ext} nhưng thực chất là văn bản (CSV), không phải bảng tính: {resave}"
        ))),
        Content::Unknown => Err(unreadable("Không nhận ra định dạng tệp: không phải xlsx, xls, xlsb hay ods".into())),
        Content::Zip => {
            let (mut archive, unpacked) = open_zip(path).ok_or_else(|| {
                unreadable("Tệp bị hỏng: không đọc được mục lục của tệp nén xlsx/ods (tệp bị cắt cụt?); hãy gửi lại tệp".into())
            })?;
            if unpacked > limits.max_unpacked_bytes {
                return Err(too_large("Tệp khi giải nén lớn", unpacked, limits.max_unpacked_bytes));
            }
            let mut ods = scan_ods_content(&mut archive);
            if ods.as_ref().is_some_and(|o| !o.well_formed) {
                return Err(unreadable(
                    "Tệp .ods bị hỏng: nội dung bảng tính (content.xml) không trọn vẹn hoặc sai cấu trúc; hãy mở tệp bằng LibreOffice hoặc Excel, lưu lại rồi gửi lại".into(),
                ));
            }
            if let Some(cells) = ods.as_ref().map(|o| o.largest_cells).filter(|c| *c > MAX_DECLARED_CELLS) {
                return Err(Box::new(
                    Finding::file(
                        Rule::FileTooLarge,
                        file,
                        format!("Tệp .ods có một trang tính trải trên {cells} ô (ô có dữ liệu lặp lại hoặc nằm rất xa), vượt giới hạn {MAX_DECLARED_CELLS} ô: không đọc; hãy xoá các ô thừa, lưu lại rồi gửi lại"),
                    )
                    .with_raw(cells.to_string()),
                ));
            }
            // The kind the name says first, then the other zip kinds.
            // An archive holding content.xml is an .ods whatever its name, and is read as
            // nothing else (calamine's xlsx reader, given a damaged one, read garbage cell
            // references and overflowed on them; found by `cargo fuzz`). Other archives:
            // the kind the name says first, then the other zip kinds.
            let order: &[u8] = match ext.as_str() {
                _ if ods.is_some() => &[2],
                "xlsb" => &[1, 0],
                _ => &[0, 1],
            };
            // An xlsx (by content: not an .ods) goes to the direct reader; what it does
            // not expect goes on to calamine below.
            if direct && ods.is_none() && ext != "xlsb" {
                match crate::xlsx::Book::open(archive, limits.max_unpacked_bytes) {
                    Ok(book) => return Ok(Opened::Direct(book)),
                    Err(e) if e.damaged => return Err(Box::new(damaged_archive(file, e))),
                    Err(_) => {}
                }
            } else {
                drop(archive);
            }
            let mut first_error = None;
            for &kind in order {
                let opened = match kind {
                    0 => open_workbook::<Xlsx<_>, _>(path).map(Sheets::Xlsx).map_err(|e| e.to_string()),
                    1 => open_workbook::<Xlsb<_>, _>(path).map(Sheets::Xlsb).map_err(|e| e.to_string()),
                    _ => open_workbook::<Ods<_>, _>(path).map(Sheets::Ods).map_err(|e| e.to_string()),
                };
                match opened {
                    Ok(wb) => {
                        let uncached = ods.take().map(|o| o.uncached).unwrap_or_default();
                        return Ok(Opened::Library(wb, uncached));
                    }
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            let e = first_error.unwrap_or_default();
            Err(Box::new(
                Finding::file(Rule::FileUnreadable, file, format!("Không đọc được tệp bảng tính (tệp nén bị hỏng?): {e}")).with_raw(e),
            ))
        }
        Content::Compound => {
            // calamine follows the file's sector chains without looking for loops: one
            // that loops grows a vector until memory runs out and the whole run aborts.
            let bytes = std::fs::read(path).map_err(io)?;
            let stream = match crate::cfb_check::workbook_stream(&bytes) {
                Ok(stream) => stream,
                Err(_) if is_encrypted_package(&bytes) => return Err(encrypted()),
                Err(problem) => {
                    return Err(Box::new(
                        Finding::file(
                            Rule::FileUnreadable,
                            file,
                            format!("Tệp .xls bị hỏng: cấu trúc bên trong tệp không hợp lệ (chuỗi khối dữ liệu bị lặp vòng hoặc trỏ ra ngoài tệp); {resave}"),
                        )
                        .with_raw(format!("{problem:?}")),
                    ))
                }
            };
            // The declared size of each sheet, for which calamine reserves memory first.
            let scan = stream.as_deref().map(crate::cfb_check::scan_sheets);
            if scan.is_some_and(|s| !s.positions_inside) {
                return Err(unreadable(format!(
                    "Tệp .xls bị hỏng: danh sách trang tính trỏ ra ngoài dữ liệu của tệp; {resave}"
                )));
            }
            if let Some((typ, len)) = scan.and_then(|s| s.short_record) {
                return Err(Box::new(
                    Finding::file(
                        Rule::FileUnreadable,
                        file,
                        format!("Tệp .xls bị hỏng: một bản ghi bên trong tệp ngắn hơn quy định hoặc sai cấu trúc; {resave}"),
                    )
                    .with_raw(format!("record 0x{typ:04X}, {len} bytes")),
                ));
            }
            let declared = scan.map_or(0, |s| s.largest_cells);
            if declared > MAX_DECLARED_CELLS {
                return Err(Box::new(
                    Finding::file(
                        Rule::FileTooLarge,
                        file,
                        format!("Tệp .xls có một trang tính khai báo hoặc trải trên {declared} ô, vượt giới hạn {MAX_DECLARED_CELLS} ô (tệp hỏng hoặc cố ý): không đọc; {resave}"),
                    )
                    .with_raw(declared.to_string()),
                ));
            }
            open_compound(path, &bytes, file, encrypted)
        }
    }
}

/// The finding for an xlsx archive whose parts do not inflate as its directory says.
fn damaged_archive(file: &str, e: crate::xlsx::Unsupported) -> Finding {
    Finding::file(
        Rule::FileUnreadable,
        file,
        "Tệp nén xlsx bị hỏng: một phần của tệp giải nén ra không đúng kích thước hoặc mã kiểm tra (CRC) đã ghi trong tệp; hãy gửi lại tệp",
    )
    .with_raw(e.what)
}

/// Largest sheet an .xls may declare: 2 million cells (a unit's report has a few
/// thousand; the BIFF8 maximum of 65,536 × 256 is 16.7 million).
pub const MAX_DECLARED_CELLS: u64 = 2_000_000;

fn open_compound(
    path: &Path,
    bytes: &[u8],
    file: &str,
    encrypted: impl Fn() -> Box<Finding>,
) -> Result<Opened, Box<Finding>> {
    match open_workbook::<Xls<_>, _>(path) {
        Ok(wb) => Ok(Opened::Library(Sheets::Xls(wb), Vec::new())),
        Err(XlsError::Password) => Err(encrypted()),
        Err(e) => {
            // An encrypted xlsx is a compound file holding the encrypted package.
            if is_encrypted_package(bytes) {
                return Err(encrypted());
            }
            Err(Box::new(
                Finding::file(
                    Rule::FileUnreadable,
                    file,
                    format!("Không đọc được tệp bảng tính .xls: {e}"),
                )
                .with_raw(e.to_string()),
            ))
        }
    }
}

/// Reads every sheet of a workbook. Never panics on file content: a panic inside
/// the reading library is caught and becomes `file.unreadable`.
pub fn read_workbook(path: &Path, file: &str, ctx: &ReadContext) -> FileRead {
    read_workbook_with(path, file, ctx, &mut ReadMemo::default())
}

/// [`read_workbook`] with calamine for every format (the direct xlsx reader off): what
/// the direct reader is checked against.
pub fn read_workbook_by_library(path: &Path, file: &str, ctx: &ReadContext) -> FileRead {
    read_workbook_inner(path, file, ctx, &mut ReadMemo::default(), false).unwrap_or_else(|e| {
        FileRead {
            file: file.to_string(),
            findings: vec![Finding::file(Rule::FileUnreadable, file, e.what)],
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
    // The direct xlsx reader first; a sheet it does not expect sends the whole file
    // to calamine (so a file reads the same whichever reader took it).
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_workbook_inner(path, file, ctx, memo, true)
            .or_else(|_| read_workbook_inner(path, file, ctx, memo, false))
            .unwrap_or_else(|e| FileRead {
                file: file.to_string(),
                findings: vec![Finding::file(
                    Rule::FileUnreadable,
                    file,
                    format!("Không đọc được tệp: {}", e.what),
                )],
                tables: Vec::new(),
            })
    }));
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
) -> Result<FileRead, crate::xlsx::Unsupported> {
    let mut out = FileRead {
        file: file.to_string(),
        ..FileRead::default()
    };
    let mut wb = match open_by_content(path, file, &ctx.limits, direct) {
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
        let read = match &mut wb {
            // A damaged sheet part is that sheet's finding, as with calamine.
            Opened::Direct(book) => {
                match direct_sheet(book, index, &sheet.name, file, &mut out.findings) {
                    Ok(read) => Ok(read),
                    Err(e) if e.damaged => Err(e.what),
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
                let meta = read_meta(&grid, grid.first_row()..top);
                out.tables.push(SheetTable {
                    sheet: sheet.name.clone(),
                    meta,
                    data,
                });
            }
            // A template's instructions sheet is ours, not the unit's: nothing to say.
            None if keywords_of(&mut wb).contains(cchc_domain::TEMPLATE_MARKER) => {}
            None => out.findings.push(
                Finding::file(
                    Rule::SheetUnrecognized,
                    file,
                    format!(
                        "Trang tính \"{}\" không có biểu mẫu nào được nhận dạng: bỏ qua",
                        sheet.name
                    ),
                )
                .at(&sheet.name, ""),
            ),
        }
    }
    Ok(out)
}

/// Rows a sheet may use; cells further down are left out with a finding (a unit's
/// report has a few hundred rows; a stray cell at row 1,048,576 would otherwise make
/// the sheet a rectangle of a million rows).
pub const MAX_SHEET_ROWS: u32 = 100_000;

/// A sheet's cells. For xlsx the cells are streamed and only those within
/// [`MAX_SHEET_ROWS`] rows and [`MAX_TABLE_COLUMNS`] columns are kept (one
/// `cell.out_of_range` finding names the others), so a cell at XFD1048576 beside A1
/// costs nothing; formulas saved without a computed value (files written by scripts)
/// get `value.formula_uncached` instead of reading as blanks.
fn sheet_range(
    wb: &mut Sheets<std::io::BufReader<std::fs::File>>,
    ods_uncached: &[crate::sniff::UncachedBlock],
    name: &str,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Result<calamine::Range<calamine::Data>, String> {
    let Sheets::Xlsx(x) = wb else {
        let mut range = wb.worksheet_range(name).map_err(|e| e.to_string())?;
        let uncached = mark_uncached(ods_uncached, name, &mut range);
        left_out_findings(name, file, (0, None), uncached, findings);
        return Ok(range);
    };
    let mut reader = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
    let mut cells = Vec::new();
    let (mut outside, mut first_outside) = (0usize, None);
    let (mut uncached, mut first_uncached) = (0usize, None);
    while let Some(record) = reader
        .next_cell_with_formula_metadata()
        .map_err(|e| e.to_string())?
    {
        let (row, col) = record.pos;
        let value = match record.value {
            calamine::DataRef::Empty if record.formula.is_some() => {
                uncached += 1;
                first_uncached.get_or_insert((row, col));
                crate::cells::UNCACHED
            }
            calamine::DataRef::Empty => continue,
            value => calamine::Data::from(value),
        };
        if row >= MAX_SHEET_ROWS || col >= crate::grid::MAX_TABLE_COLUMNS {
            outside += 1;
            first_outside.get_or_insert((row, col));
            continue;
        }
        cells.push(calamine::Cell::new((row, col), value));
    }
    left_out_findings(
        name,
        file,
        (outside, first_outside),
        (uncached, first_uncached),
        findings,
    );
    Ok(laid_out(cells, name, file, findings))
}

/// An .ods sheet's formulas saved without a computed value (found by the content scan):
/// each such cell inside the range read becomes [`crate::cells::UNCACHED`] instead of
/// a blank. Returns how many there are and the first (row, column). (.xls and .xlsb
/// formulas always carry their last result.)
fn mark_uncached(
    blocks: &[crate::sniff::UncachedBlock],
    name: &str,
    range: &mut calamine::Range<calamine::Data>,
) -> (usize, Option<(u32, u32)>) {
    let (mut count, mut first) = (0usize, None);
    let (end_row, end_col) = range.end().unwrap_or((0, 0));
    for b in blocks.iter().filter(|b| b.sheet == name) {
        count = count
            .saturating_add(usize::try_from(b.rows.saturating_mul(b.cols)).unwrap_or(usize::MAX));
        let at = |r: u64, c: u64| {
            (
                u32::try_from(r).unwrap_or(u32::MAX),
                u32::try_from(c).unwrap_or(u32::MAX),
            )
        };
        let start = at(b.row, b.col);
        first = Some(first.map_or(start, |f: (u32, u32)| f.min(start)));
        // Only inside the rectangle already laid out (never grown for it), and a
        // repeat is walked no further than that rectangle.
        let rows = b.row..b.row.saturating_add(b.rows).min(u64::from(end_row) + 1);
        for r in rows {
            for c in b.col..b.col.saturating_add(b.cols).min(u64::from(end_col) + 1) {
                let pos = at(r, c);
                if range
                    .get_value(pos)
                    .is_some_and(|v| *v == calamine::Data::Empty)
                {
                    range.set_value(pos, crate::cells::UNCACHED);
                }
            }
        }
    }
    (count, first)
}

/// The sheet's cells as a range, unless the rectangle around them (which the range
/// holds in full) is larger than [`MAX_DECLARED_CELLS`]: a cell at each corner of the
/// bounds read would otherwise take 100,000 × 64 cells (≈ 200 MB). Such a sheet is left
/// out with `file.too_large`.
fn laid_out(
    cells: Vec<calamine::Cell<calamine::Data>>,
    name: &str,
    file: &str,
    findings: &mut Vec<Finding>,
) -> calamine::Range<calamine::Data> {
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    for (r, c) in cells.iter().map(|c| c.get_position()) {
        bounds = Some(match bounds {
            None => (r, r, c, c),
            Some((r0, r1, c0, c1)) => (r0.min(r), r1.max(r), c0.min(c), c1.max(c)),
        });
    }
    let area = bounds.map_or(0, |(r0, r1, c0, c1)| {
        u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
    });
    if area > MAX_DECLARED_CELLS {
        findings.push(
            Finding::file(
                Rule::FileTooLarge,
                file,
                format!("Trang tính \"{name}\" trải trên {area} ô, vượt giới hạn {MAX_DECLARED_CELLS} ô (có ô dữ liệu nằm rất xa bảng): không đọc trang này; hãy xoá các ô thừa, lưu lại rồi gửi lại"),
            )
            .at(name, "")
            .with_raw(area.to_string()),
        );
        return calamine::Range::empty();
    }
    calamine::Range::from_sparse(cells)
}

/// A sheet read by the direct reader: its cells within bounds and its merged regions.
fn direct_sheet(
    book: &mut crate::xlsx::Book<std::io::Cursor<Vec<u8>>>,
    index: usize,
    name: &str,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Result<
    (
        calamine::Range<calamine::Data>,
        Option<Vec<calamine::Dimensions>>,
    ),
    crate::xlsx::Unsupported,
> {
    let (mut outside, mut first_outside) = (0usize, None);
    let read = book.sheet_cells(index, |row, col| {
        let inside = row < MAX_SHEET_ROWS && col < crate::grid::MAX_TABLE_COLUMNS;
        if !inside {
            outside += 1;
            first_outside.get_or_insert((row, col));
        }
        inside
    })?;
    left_out_findings(
        name,
        file,
        (outside, first_outside),
        read.uncached,
        findings,
    );
    Ok((
        laid_out(read.cells, name, file, findings),
        Some(read.merges),
    ))
}

/// The findings for cells left out of a sheet: beyond the bounds read, and formulas
/// saved without a value.
fn left_out_findings(
    name: &str,
    file: &str,
    (outside, first_outside): (usize, Option<(u32, u32)>),
    (uncached, first_uncached): (usize, Option<(u32, u32)>),
    findings: &mut Vec<Finding>,
) {
    if let Some((r, c)) = first_outside {
        findings.push(
            Finding::file(
                Rule::CellOutOfRange,
                file,
                format!(
                    "{outside} ô có dữ liệu nằm ngoài vùng đọc ({MAX_SHEET_ROWS} dòng, {} cột đầu), đầu tiên là ô {}: bỏ qua các ô này",
                    crate::grid::MAX_TABLE_COLUMNS,
                    a1(r, c)
                ),
            )
            .at(name, a1(r, c)),
        );
    }
    if let Some((r, c)) = first_uncached {
        findings.push(
            Finding::file(
                Rule::FormulaUncached,
                file,
                format!(
                    "{uncached} ô có công thức nhưng chưa có giá trị đã tính (tệp do phần mềm tạo ra, chưa mở bằng Excel hay LibreOffice), đầu tiên là ô {}: các ô này không được tính là 0, dòng chứa chúng không được tổng hợp; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi lại",
                    a1(r, c)
                ),
            )
            .at(name, a1(r, c)),
        );
    }
}

/// A sheet's table and where its header starts.
struct SheetRead {
    top: u32,
    data: TableData,
    /// Every column of the form's header was found.
    complete: bool,
}

/// Finds which form a sheet holds (the one whose header is most complete; ties go
/// to the earlier form) and reads it.
fn read_sheet(
    grid: &Grid,
    file: &str,
    ctx: &ReadContext,
    memo: &mut ReadMemo,
    findings: &mut Vec<Finding>,
) -> Option<SheetRead> {
    memo.trim();
    let cells = HeaderCells::new(grid, &mut memo.texts);
    // Forms are tried in order; a complete header cannot be beaten (ties go to the
    // earlier form), so the forms after it are not searched.
    fn coverage<R>(h: &Option<Header<R>>) -> Option<f64> {
        h.as_ref().map(|h| h.coverage)
    }
    let whole = |cov: Option<f64>| cov.is_some_and(|c| c >= 1.0);
    let a = find_header_in(&cells, &memo.texts, &ctx.aliases, &mut memo.a);
    let done = whole(coverage(&a));
    let b = if done {
        None
    } else {
        find_header_in(&cells, &memo.texts, ctx.aliases.form_b(), &mut memo.b)
    };
    let done = done || whole(coverage(&b));
    let c = if done {
        None
    } else {
        find_header_in(&cells, &memo.texts, ctx.aliases.form_c(), &mut memo.c)
    };
    let done = done || whole(coverage(&c));
    let d = if done {
        None
    } else {
        find_header_in(&cells, &memo.texts, ctx.aliases.form_d(), &mut memo.d)
    };
    let coverages = [coverage(&a), coverage(&b), coverage(&c), coverage(&d)];
    let mut best: Option<(usize, f64)> = None;
    for (i, cov) in coverages.iter().enumerate() {
        if let Some(cov) = cov {
            if best.is_none_or(|(_, b)| *cov > b) {
                best = Some((i, *cov));
            }
        }
    }
    let (form, coverage) = best?;
    let complete = coverage >= 1.0;
    let (top, data) = match form {
        0 => {
            let h = a?;
            let table = read_table(grid, HeaderMatch::from_header(&h), file, findings);
            let complete = table.complete;
            return Some(SheetRead {
                top: h.top,
                data: TableData::A(table),
                complete,
            });
        }
        1 => {
            let h = b?;
            (
                h.top,
                TableData::B(crate::form_b::read_table(grid, &h, file, findings)),
            )
        }
        2 => {
            let h = c?;
            (
                h.top,
                TableData::C(crate::form_c::read_table(grid, &h, file, findings)?),
            )
        }
        _ => {
            let h = d?;
            (
                h.top,
                TableData::D(crate::form_d::read_table_with(
                    grid,
                    &h,
                    &ctx.catalogue,
                    file,
                    findings,
                    &mut memo.indicators,
                )),
            )
        }
    };
    Some(SheetRead {
        top,
        data,
        complete,
    })
}
