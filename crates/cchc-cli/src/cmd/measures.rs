//! `cchc measures`: every form's measures, the names a catalogue's expressions use.

use std::io::Write;

use anyhow::Result;
use cchc_domain::forms::{vocabulary, Form, Source};

use crate::cli::{MeasuresArgs, OutputFormat};

/// How a measure is formed, in words for the table (`tổng cột resolved_early`).
fn source_text(s: &Source) -> String {
    match s {
        Source::Sum { column, rows_with } if rows_with.is_empty() => format!("tổng cột {column}"),
        Source::Sum { column, .. } => format!("tổng cột {column} (dòng có đủ hai năm)"),
        Source::Count(c) if c.is_empty() => "số TTHC".into(),
        Source::Count(c) => {
            let parts: Vec<String> = c
                .iter()
                .map(|c| match c {
                    cchc_domain::forms::Condition::OneOf(col, v) => format!("{col} ∈ {v:?}"),
                    cchc_domain::forms::Condition::Is(col, b) => format!("{col} = {b}"),
                })
                .collect();
            format!("số TTHC có {}", parts.join(", "))
        }
        Source::Row(side) => format!("{side} của dòng chỉ tiêu"),
    }
}

/// Prints every form's measures: the names catalogue expressions use.
pub fn run(args: &MeasuresArgs) -> Result<i32> {
    let v = vocabulary();
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            let list: Vec<serde_json::Value> = Form::ALL
                .iter()
                .flat_map(|f| {
                    v.form(*f).measures.iter().map(move |m| {
                        serde_json::json!({
                            "form": f.letter(), "measure": m.id, "label": m.label,
                            "column": m.column,
                            "required": m.required || *f != Form::A,
                            "source": source_text(&m.source),
                        })
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        }
        OutputFormat::Table => {
            for f in Form::ALL {
                let def = v.form(f);
                writeln!(out, "{}", def.title)?;
                for m in &def.measures {
                    let column = m.column.map_or(String::new(), |c| format!("({c})"));
                    let optional = if f == Form::A && !m.required {
                        " [cột tùy chọn]"
                    } else {
                        ""
                    };
                    writeln!(
                        out,
                        "  {:<30} {:<5} {}{optional} — {}",
                        m.id,
                        column,
                        m.label,
                        source_text(&m.source)
                    )?;
                }
                if f == Form::A {
                    for i in &v.identities {
                        let parts: Vec<&str> = i
                            .parts
                            .iter()
                            .map(|&p| def.measures[p].id.as_str())
                            .collect();
                        writeln!(
                            out,
                            "  đẳng thức {:<20} {} = {}",
                            i.rule,
                            def.measures[i.total].id,
                            parts.join(" + ")
                        )?;
                    }
                }
                writeln!(out)?;
            }
        }
    }
    Ok(0)
}
