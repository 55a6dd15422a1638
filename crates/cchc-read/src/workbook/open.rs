//! Opening a workbook by what its bytes are: the direct xlsx reader, calamine for the
//! other formats, and every check made before a library sees the file.

use super::*;

/// What calamine reads a workbook from: the file's bytes (an .xls padded to whole
/// sectors, see [`crate::cfb_check::pad_to_sectors`]), within the size limit.
pub(super) type LibrarySource = std::io::Cursor<Vec<u8>>;

/// An opened workbook: most xlsx files by the direct reader ([`crate::xlsx`]), the
/// rest by calamine.
pub(super) enum Opened {
    Direct(crate::xlsx::Book<std::io::Cursor<Vec<u8>>>),
    /// With an .ods file's formulas saved without a value (calamine reads them as blanks).
    Library(Sheets<LibrarySource>, Vec<crate::sniff::UncachedBlock>),
}

impl Opened {
    pub(super) fn sheets(&self) -> Vec<calamine::Sheet> {
        match self {
            Opened::Direct(book) => book.sheets.clone(),
            Opened::Library(wb, _) => wb.sheets_metadata().to_vec(),
        }
    }

    pub(super) fn keywords(&mut self) -> String {
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

pub(super) fn megabytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
}

/// Opens a workbook by what its bytes say it is, not by its name; anything that is not
/// a readable workbook, or is over the limits, becomes the file's finding.
pub(super) fn open_by_content(
    path: &Path,
    file: &str,
    limits: &Limits,
    direct: bool,
    notes: &mut Vec<Finding>,
) -> Result<Opened, Box<Finding>> {
    let unreadable = |message: String| Box::new(Finding::file(Rule::FileUnreadable, file, message));
    let io = |e: std::io::Error| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "tệp không còn ở đó (đã bị xoá hoặc đổi tên)",
            std::io::ErrorKind::PermissionDenied => "không có quyền đọc tệp",
            _ => "hệ thống không cho đọc tệp",
        };
        Box::new(
            Finding::file(
                Rule::FileUnreadable,
                file,
                format!("Không đọc được tệp: {why}; hãy kiểm tra tệp rồi chạy lại"),
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
    let resave = RESAVE;
    let encrypted = || {
        unreadable("Tệp được đặt mật khẩu (mã hoá): không đọc được; hãy mở tệp bằng mật khẩu, gỡ mật khẩu (Excel: File > Info > Protect Workbook > Encrypt with Password, xoá mật khẩu rồi lưu; LibreOffice: File > Save As, bỏ chọn Save with password) rồi gửi lại".into())
    };
    match sniff(&head) {
        Content::Empty => Err(unreadable("Tệp rỗng (0 byte): hãy gửi lại tệp báo cáo".into())),
        Content::Html => Err(unreadable(format!(
            "Tệp có đuôi .{ext} nhưng thực chất là một trang HTML (thường do phần mềm trên web xuất ra), không phải bảng tính: {resave}"
        ))),
        Content::Xml2003 => Err(unreadable(format!("Tệp là bảng tính XML của Excel 2003, không đọc được: {resave}"))),
        Content::OldExcel => Err(unreadable(format!("Tệp là bảng tính Excel đời cũ (Excel 2.x–4.0, trước năm 1995), không đọc được: {resave}"))),
        Content::Text => Err(unreadable(format!(
            "Tệp có đuôi .{ext} nhưng thực chất là văn bản (CSV), không phải bảng tính: {resave}"
        ))),
        Content::Unknown => Err(unreadable("Không nhận ra định dạng tệp: không phải xlsx, xls, xlsb hay ods".into())),
        content @ (Content::Zip | Content::FlatOds) => {
            let file_bytes = std::fs::read(path).map_err(io)?;
            // A flat .ods (one XML file) is read as the .ods archive it stands for.
            let bytes = if content == Content::FlatOds {
                crate::sniff::flat_ods_to_zip(&file_bytes).ok_or_else(|| {
                    unreadable("Không đọc được tệp bảng tính .fods".into())
                })?
            } else {
                file_bytes
            };
            let (mut archive, unpacked) = crate::sniff::open_zip_bytes(bytes.clone()).ok_or_else(|| {
                unreadable("Tệp bị hỏng: không đọc được mục lục của tệp nén xlsx/ods (tệp bị cắt cụt?); hãy gửi lại tệp".into())
            })?;
            let unpack_limit = limits.unpacked_for(size);
            if unpacked > unpack_limit && unpack_limit < limits.max_unpacked_bytes {
                // Within the size limit, but inflating far beyond what workbooks do.
                return Err(Box::new(
                    Finding::file(
                        Rule::FileTooLarge,
                        file,
                        format!(
                            "Tệp nén {} MB khi giải nén ra {} MB (gấp {} lần), vượt giới hạn {} MB cho tệp cỡ này: tệp hỏng hoặc cố ý, không đọc; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi lại",
                            megabytes(size),
                            megabytes(unpacked),
                            unpacked / size.max(1),
                            megabytes(unpack_limit)
                        ),
                    )
                    .with_raw(unpacked.to_string()),
                ));
            }
            if unpacked > unpack_limit {
                return Err(too_large("Tệp khi giải nén lớn", unpacked, unpack_limit));
            }
            // A password-protected .ods: its content is ciphertext (broken XML to a reader).
            if crate::sniff::ods_encrypted(&mut archive) {
                return Err(encrypted());
            }
            // An .xlsb record declaring more bytes than its part holds: calamine would
            // size its buffer from the declaration first (up to 256 MiB).
            if archive.index_for_name("xl/workbook.bin").is_some() {
                if let Some(long) = crate::xlsb_check::long_record(&mut archive) {
                    return Err(Box::new(
                        Finding::file(
                            Rule::FileUnreadable,
                            file,
                            format!("Tệp .xlsb bị hỏng: một bản ghi trong phần {} khai báo dài hơn phần còn lại của tệp; {resave}", long.part),
                        )
                        .with_raw(format!("record 0x{:04X}, {} bytes", long.typ, long.len)),
                    ));
                }
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
            if let Some(text) = ods.as_ref().map(|o| o.largest_text).filter(|t| *t > crate::xlsx::MAX_SHEET_TEXT) {
                return Err(Box::new(
                    Finding::file(
                        Rule::FileTooLarge,
                        file,
                        format!("Tệp .ods có một trang tính chứa hơn {} MB chữ trong các ô (ô chữ được lặp lại rất nhiều lần), vượt giới hạn {} MB: không đọc; hãy xoá các ô thừa, lưu lại rồi gửi lại", text >> 20, crate::xlsx::MAX_SHEET_TEXT >> 20),
                    )
                    .with_raw(text.to_string()),
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
                match crate::xlsx::Book::open(archive, unpack_limit) {
                    Ok(book) => return Ok(Opened::Direct(book)),
                    Err(e) if e.is_damaged() => return Err(Box::new(damaged_archive(file, e))),
                    Err(_) => {}
                }
            } else {
                drop(archive);
            }
            let mut first_error = None;
            for &kind in order {
                let source = || std::io::Cursor::new(bytes.clone());
                let opened = match kind {
                    0 => {
                        let plausible = crate::sniff::xlsx_with_plausible_string_count(&bytes);
                        let source = plausible.map_or_else(source, std::io::Cursor::new);
                        open_workbook_from_rs::<Xlsx<_>, _>(source).map(Sheets::Xlsx).map_err(|e| e.to_string())
                    }
                    1 => open_workbook_from_rs::<Xlsb<_>, _>(source()).map(Sheets::Xlsb).map_err(|e| e.to_string()),
                    _ => open_workbook_from_rs::<Ods<_>, _>(source())
                        .or_else(|e| {
                            // Indented XML (a tool that pretty-prints): read again without
                            // the layout whitespace calamine refuses.
                            let compact = crate::sniff::ods_without_layout_whitespace(&bytes).ok_or(e)?;
                            open_workbook_from_rs::<Ods<_>, _>(std::io::Cursor::new(compact))
                        })
                        .map(Sheets::Ods)
                        .map_err(|e| e.to_string()),
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
                Finding::file(Rule::FileUnreadable, file, "Tệp nén xlsx/xlsb/ods bị hỏng hoặc thiếu thành phần bắt buộc: không đọc được; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi lại").with_raw(e),
            ))
        }
        Content::Compound => {
            // calamine follows the file's sector chains without looking for loops: one
            // that loops grows a vector until memory runs out and the whole run aborts.
            // A last sector cut short (writers leave out its unused tail; Excel and
            // LibreOffice read such files) is read as if padded with zeros.
            let bytes = crate::cfb_check::pad_to_sectors(std::fs::read(path).map_err(io)?);
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
            let mut bytes = bytes;
            let mut stream = stream;
            // Encrypted with Excel's built-in password (a locked workbook structure):
            // Excel opens it without asking, so it is decrypted in place and read.
            if let Some((file, plain)) = stream.as_deref().and_then(|s| {
                crate::cfb_check::decrypt_file(&bytes, s, crate::cfb_check::BUILT_IN_PASSWORD)
            }) {
                (bytes, stream) = (file, Some(plain));
            }
            // A password-protected .xls: everything after FILEPASS is ciphertext, which
            // the checks below would call damaged or enormous.
            if stream.as_deref().is_some_and(crate::cfb_check::is_encrypted) {
                return Err(encrypted());
            }
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
            // Shared strings calamine would copy into every cell naming them.
            let text = stream.as_deref().map_or(0, crate::cfb_check::shared_text_per_sheet);
            if text > crate::xlsx::MAX_SHEET_TEXT {
                return Err(Box::new(
                    Finding::file(
                        Rule::FileTooLarge,
                        file,
                        format!("Tệp .xls có một trang tính chứa hơn {} MB chữ trong các ô (một chuỗi dài được dùng lại ở rất nhiều ô), vượt giới hạn {} MB: không đọc; {resave}", text >> 20, crate::xlsx::MAX_SHEET_TEXT >> 20),
                    )
                    .with_raw(text.to_string()),
                ));
            }
            let mut declared = scan.map_or(0, |s| s.largest_cells);
            // Cells far away (a stray cell at row 65,536): taken out, as an xlsx sheet's
            // are, when what is left is within bounds (`cfb_check::far_cells`).
            if declared > MAX_DECLARED_CELLS {
                if let (Some(stream), Ok(Some((size, sectors)))) =
                    (stream.as_deref(), crate::cfb_check::workbook_stream_pieces(&bytes))
                {
                    let far = crate::cfb_check::far_cells(stream, MAX_SHEET_ROWS, crate::grid::MAX_TABLE_COLUMNS);
                    let rest = crate::cfb_check::scan_sheets(&crate::cfb_check::patched_stream(stream, &far.patches));
                    if !far.sheets.is_empty()
                        && rest.largest_cells <= MAX_DECLARED_CELLS
                        && rest.short_record.is_none()
                        && crate::cfb_check::patch_stream(&mut bytes, size, &sectors, &far.patches)
                    {
                        declared = rest.largest_cells;
                        for s in &far.sheets {
                            super::sheet::left_out_findings(&s.name, file, (s.cells, Some(s.first)), (0, None), notes);
                        }
                    }
                }
            }
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
            let page = stream.as_deref().and_then(crate::cfb_check::codepage);
            open_compound(bytes, page, file, encrypted, notes)
        }
    }
}

/// The finding for an xlsx archive whose parts do not inflate as its directory says.
pub(super) fn damaged_archive(file: &str, e: crate::error::ReadError) -> Finding {
    Finding::file(
        Rule::FileUnreadable,
        file,
        "Tệp nén xlsx bị hỏng: một phần của tệp giải nén ra không đúng kích thước hoặc mã kiểm tra (CRC) đã ghi trong tệp; hãy gửi lại tệp",
    )
    .with_raw(e.into_message())
}

/// What an officer can do with a workbook cchc cannot read.
const RESAVE: &str =
    "hãy mở tệp bằng Excel, chọn Lưu thành (Save As) kiểu Excel Workbook (.xlsx) rồi gửi lại";

/// Largest sheet an .xls may declare: 2 million cells (a unit's report has a few
/// thousand; the BIFF8 maximum of 65,536 × 256 is 16.7 million).
pub const MAX_DECLARED_CELLS: u64 = 2_000_000;

pub(super) fn open_compound(
    bytes: Vec<u8>,
    page: Option<u16>,
    file: &str,
    encrypted: impl Fn() -> Box<Finding>,
    notes: &mut Vec<Finding>,
) -> Result<Opened, Box<Finding>> {
    // An encrypted xlsx is a compound file holding the encrypted package.
    let package = is_encrypted_package(&bytes);
    // A code page calamine lacks (Mac Central European, a Quattro Pro export's 0x8001)
    // fails the whole file: its text is read with a stand-in instead, the figures are
    // unaffected, and the officer is told the accented letters may be wrong.
    let page = page.filter(|&p| codepage::to_encoding(p).is_none());
    let opened = match page {
        None => open_workbook_from_rs::<Xls<_>, _>(std::io::Cursor::new(bytes)),
        Some(page) => {
            let mut options = calamine::XlsOptions::default();
            let (stand_in, exact) = stand_in_codepage(page);
            options.force_codepage = Some(stand_in);
            let opened = Xls::new_with_options(std::io::Cursor::new(bytes), options);
            if opened.is_ok() && !exact {
                notes.push(
                    Finding::file(
                        Rule::FileCodepage,
                        file,
                        format!("Tệp .xls ghi chữ theo bảng mã {page}, cchc không có bảng mã này: chữ được đọc theo bảng mã Windows-1252 nên chữ có dấu có thể sai (số liệu không ảnh hưởng); hãy mở tệp bằng Excel, chọn Lưu thành (Save As) kiểu .xlsx rồi gửi lại"),
                    )
                    .with_raw(page.to_string()),
                );
            }
            opened
        }
    };
    match opened {
        Ok(wb) => Ok(Opened::Library(Sheets::Xls(wb), Vec::new())),
        Err(XlsError::Password) => Err(encrypted()),
        Err(e) => {
            if package {
                return Err(encrypted());
            }
            Err(Box::new(
                Finding::file(
                    Rule::FileUnreadable,
                    file,
                    format!(
                        "Tệp .xls bị hỏng hoặc có cấu trúc không đọc được; {}",
                        RESAVE
                    ),
                )
                .with_raw(e.to_string()),
            ))
        }
    }
}

/// The code page a BIFF file's unknown one is read as, and whether it is the same page:
/// MS-XLS's own numbers for Mac Roman (32768) and Windows-1252 in BIFF2–3 (32769) as
/// the pages they stand for, any other as Windows-1252.
fn stand_in_codepage(page: u16) -> (u16, bool) {
    match page {
        32768 => (10000, true),
        32769 => (1252, true),
        _ => (1252, false),
    }
}
