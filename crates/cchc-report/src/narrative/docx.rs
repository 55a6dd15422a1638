//! The report laid out as a Word document (docx-rs): A4 portrait with the margins,
//! font and heading of an administrative document (Nghị định 30/2020/NĐ-CP: Times New
//! Roman, the issuing body beside the national motto, the place and date line, the
//! recipient, the signature block), page numbers at the foot.

use cchc_domain::issuer::Issuer;
use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, PageMargin, PageNum, Paragraph, Run, RunFonts,
    Shading, SpecialIndentType, Table as WordTable, TableCell, TableLayoutType, TableRow,
    VAlignType, WidthType,
};

use super::content::{Block, Narrative, Table};

/// A4 in twentieths of a point.
pub(crate) const A4: (u32, u32) = (11_906, 16_838);
/// Margins: top and bottom 20 mm, left 30 mm, right 15 mm (Nghị định 30's ranges).
const MARGIN: (i32, i32, i32, i32) = (1134, 851, 1134, 1701);
/// The width between the margins: 210 − 30 − 15 mm.
pub(crate) const TEXT_WIDTH: usize = A4.0 as usize - MARGIN.1 as usize - MARGIN.3 as usize;
/// Body text: 14 pt.
const BODY_SIZE: usize = 28;

/// A run of text in `size` half-points.
fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).size(size)
}

/// A centred paragraph of one run, without space around it.
fn centred(r: Run) -> Paragraph {
    Paragraph::new()
        .add_run(r)
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().before(0).after(0))
}

/// A table cell holding `paragraphs`, `width` wide, no borders.
fn bare_cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new(), TableCell::add_paragraph)
        .width(width, WidthType::Dxa)
        .clear_all_border()
}

/// Two columns without borders: the issuer's side and the state's side.
fn two_sides(left: Vec<Paragraph>, right: Vec<Paragraph>) -> WordTable {
    let (l, r) = (3700, TEXT_WIDTH - 3700);
    WordTable::without_borders(vec![TableRow::new(vec![
        bare_cell(left, l),
        bare_cell(right, r),
    ])])
    .set_grid(vec![l, r])
    .width(TEXT_WIDTH, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
}

/// The heading of an administrative document.
fn heading(doc: Docx, issuer: &Issuer, subject: &str) -> Docx {
    let left = vec![
        centred(run(&issuer.superior, 26)),
        centred(run(&issuer.name, 26).bold()),
        centred(run("Số:        /BC", 26)),
    ];
    let right = vec![
        centred(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 24).bold()),
        centred(run("Độc lập - Tự do - Hạnh phúc", BODY_SIZE).bold()),
        centred(run(
            &format!("{}, ngày     tháng     năm", issuer.place),
            BODY_SIZE,
        ))
        .line_spacing(LineSpacing::new().before(120).after(0)),
    ];
    doc.add_table(two_sides(left, right))
        .add_paragraph(
            centred(run("BÁO CÁO", BODY_SIZE).bold())
                .line_spacing(LineSpacing::new().before(360).after(0)),
        )
        .add_paragraph(centred(run(subject, BODY_SIZE).bold()))
        .add_paragraph(
            centred(run(&format!("Kính gửi: {}", issuer.recipient), BODY_SIZE))
                .line_spacing(LineSpacing::new().before(240).after(240)),
        )
}

/// A paragraph of the body: justified, the first line indented 1 cm.
fn body_paragraph(r: Run) -> Paragraph {
    Paragraph::new()
        .add_run(r)
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .line_spacing(LineSpacing::new().before(60).after(60))
}

/// A block of the body as Word paragraphs or a table.
fn block(doc: Docx, b: &Block, page_break: bool) -> Docx {
    match b {
        Block::Heading(level, text) => {
            let r = run(text, BODY_SIZE).bold();
            let r = if *level == 3 { r.italic() } else { r };
            let p = body_paragraph(r)
                .keep_next(true)
                .page_break_before(page_break);
            let p = if *level == 1 && page_break {
                p.align(AlignmentType::Center)
            } else {
                p
            };
            doc.add_paragraph(p)
        }
        Block::Text(text) => doc.add_paragraph(body_paragraph(run(text, BODY_SIZE))),
        Block::Placeholder(text) => doc.add_paragraph(body_paragraph(
            run(text, BODY_SIZE).italic().highlight("yellow"),
        )),
        Block::Table(t) => doc
            .add_table(table(t))
            .add_paragraph(Paragraph::new().line_spacing(LineSpacing::new().before(0).after(0))),
    }
}

/// A bordered table: the header row bold on grey, figures right-aligned.
fn table(t: &Table) -> WordTable {
    let cell = |text: &str, width: usize, align: AlignmentType, header: bool| {
        let r = run(text, t.font_size);
        let r = if header { r.bold() } else { r };
        let c = TableCell::new()
            .add_paragraph(
                Paragraph::new()
                    .add_run(r)
                    .align(align)
                    // The header row stays with the first row at a page's foot.
                    .keep_next(header)
                    .line_spacing(LineSpacing::new().before(20).after(20)),
            )
            .width(width, WidthType::Dxa)
            .vertical_align(VAlignType::Center);
        if header {
            c.shading(Shading::new().fill("E7E6E6"))
        } else {
            c
        }
    };
    let header = TableRow::new(
        t.columns
            .iter()
            .map(|c| cell(&c.header, c.width, AlignmentType::Center, true))
            .collect(),
    )
    .cant_split();
    let rows = t.rows.iter().map(|row| {
        TableRow::new(
            row.iter()
                .zip(&t.columns)
                .map(|(text, c)| {
                    let align = if c.numeric {
                        AlignmentType::Right
                    } else {
                        AlignmentType::Left
                    };
                    cell(text, c.width, align, false)
                })
                .collect(),
        )
        .cant_split()
    });
    let widths: Vec<usize> = t.columns.iter().map(|c| c.width).collect();
    WordTable::new(std::iter::once(header).chain(rows).collect())
        .set_grid(widths.clone())
        .width(widths.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// Where it goes and who signs.
fn signature(doc: Docx, issuer: &Issuer) -> Docx {
    let line = |text: &str| {
        Paragraph::new()
            .add_run(run(text, 22))
            .line_spacing(LineSpacing::new().before(0).after(0))
    };
    let left = vec![
        Paragraph::new()
            .add_run(run("Nơi nhận:", 24).bold().italic())
            .line_spacing(LineSpacing::new().before(0).after(0)),
        line("- Như trên;"),
        line("- Lưu: VT."),
    ];
    let right = vec![
        centred(run(&issuer.signer, BODY_SIZE).bold()),
        centred(run("(Ký, ghi rõ họ tên, đóng dấu)", BODY_SIZE).italic()),
    ];
    doc.add_paragraph(Paragraph::new())
        .add_table(two_sides(left, right))
}

/// The whole document. Paragraph ids come from a counter of the calling thread: the
/// caller builds each document on a thread of its own so they are the same every run.
pub(crate) fn document(n: &Narrative, issuer: &Issuer) -> Docx {
    let fonts = RunFonts::new()
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .cs("Times New Roman")
        .east_asia("Times New Roman");
    let (top, right, bottom, left) = MARGIN;
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .add_page_num(PageNum::new())
            .align(AlignmentType::Center)
            .size(24),
    );
    let mut doc = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(top)
                .right(right)
                .bottom(bottom)
                .left(left)
                .header(567)
                .footer(567),
        )
        .default_fonts(fonts)
        .default_size(BODY_SIZE)
        .footer(footer);
    doc = heading(doc, issuer, &n.subject);
    for b in &n.body {
        doc = block(doc, b, false);
    }
    doc = signature(doc, issuer);
    for (i, b) in n.appendix.iter().enumerate() {
        doc = block(doc, b, i == 0);
    }
    doc
}
