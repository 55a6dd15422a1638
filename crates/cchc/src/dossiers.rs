//! Dossier-level data for analysts and other engines (docs/dossiers.md): Form A of a
//! period classified from a `dossier_records` frame, and the same classification as
//! one SQL query that DuckDB and Spark SQL run over the exported Parquet dataset.

use std::collections::BTreeMap;
use std::sync::Arc;

use cchc_domain::finding::parse_a1;
use cchc_domain::measure::Measure;
use cchc_read::batch::{
    classify, computed_measures, BatchDossier, DossierShared, DossierSource, DossierUnit,
};
use cchc_read::dossier_export::{Channel, DossierTexts};
use chrono::NaiveDate;
use polars::prelude::*;

use crate::Error;

/// The classification of `docs/dossiers.md` as one SQL query over a table (or view)
/// `dossier_records` with the columns of the export, for the period from
/// `period_start` to `period_end` (`YYYY-MM-DD`, inclusive). Days are ISO text in the
/// dataset, so they compare as days; only `CASE`, `SUM`, `COUNT` and a `CROSS JOIN`:
/// DuckDB and Spark SQL run it unchanged.
///
/// ```
/// let sql = cchc::dossiers::form_a_sql("2021-12-15", "2022-03-14");
/// assert!(sql.contains("'2021-12-15' AS period_start"));
/// assert!(sql.contains("FROM dossier_records"));
/// ```
pub fn form_a_sql(period_start: &str, period_end: &str) -> String {
    FORM_A_SQL
        .replace("{period_start}", period_start)
        .replace("{period_end}", period_end)
}

/// [`form_a_sql`]'s text, the bounds as `{period_start}` and `{period_end}`.
const FORM_A_SQL: &str = r#"-- Form A (Biểu II.06a, columns 3-13) by unit and field from one-stop-shop dossiers,
-- classified as docs/dossiers.md says; printed by `cchc sql form-a`.
-- DuckDB:    CREATE VIEW dossier_records AS SELECT * FROM read_parquet(
--              'EXPORT/parquet/dossier_records/**/*.parquet', hive_partitioning = true);
-- Spark SQL: CREATE TEMPORARY VIEW dossier_records USING parquet
--              OPTIONS (path 'EXPORT/parquet/dossier_records');
WITH bounds AS (
  SELECT '{period_start}' AS period_start, '{period_end}' AS period_end
),
scoped AS (
  SELECT
    r.unit_id,
    r.field,
    r.channel,
    r.due,
    r.finished,
    b.period_end,
    CASE WHEN r.received >= b.period_start THEN 1 ELSE 0 END AS in_period,
    CASE WHEN r.finished IS NOT NULL AND r.finished <= b.period_end THEN 1 ELSE 0 END AS done
  FROM dossier_records r
  CROSS JOIN bounds b
  WHERE r.received <= b.period_end
    AND (r.received >= b.period_start OR r.finished IS NULL OR r.finished >= b.period_start)
)
SELECT
  unit_id,
  field,
  COUNT(*) AS received_total,
  SUM(CASE WHEN in_period = 1 AND channel = 'online' THEN 1 ELSE 0 END) AS received_online,
  SUM(CASE WHEN in_period = 1 AND channel <> 'online' THEN 1 ELSE 0 END) AS received_direct,
  SUM(1 - in_period) AS carried_over,
  SUM(done) AS resolved_total,
  SUM(CASE WHEN done = 1 AND finished < due THEN 1 ELSE 0 END) AS resolved_early,
  SUM(CASE WHEN done = 1 AND finished = due THEN 1 ELSE 0 END) AS resolved_on_time,
  SUM(CASE WHEN done = 1 AND finished > due THEN 1 ELSE 0 END) AS resolved_late,
  SUM(1 - done) AS pending_total,
  SUM(CASE WHEN done = 0 AND due >= period_end THEN 1 ELSE 0 END) AS pending_in_time,
  SUM(CASE WHEN done = 0 AND due < period_end THEN 1 ELSE 0 END) AS pending_overdue,
  SUM(CASE WHEN in_period = 1 AND channel = 'direct' THEN 1 ELSE 0 END) AS received_in_person,
  SUM(CASE WHEN in_period = 1 AND channel = 'postal' THEN 1 ELSE 0 END) AS received_postal
FROM scoped
GROUP BY unit_id, field
ORDER BY unit_id, field
"#;

/// A period key and its first and last day by the reporting calendar.
///
/// ```
/// let calendar = cchc_domain::period::Calendar::official();
/// let (_, (from, to)) = cchc::dossiers::period_days("2022-Q1", &calendar)?;
/// assert_eq!((from.to_string(), to.to_string()), ("2021-12-15".into(), "2022-03-14".into()));
/// # Ok::<(), cchc::Error>(())
/// ```
///
/// # Errors
/// [`Error::Period`] for a key of no form, [`Error::PeriodNotInCalendar`] when the
/// calendar does not give the period or its days.
pub fn period_days(
    key: &str,
    calendar: &cchc_domain::period::Calendar,
) -> Result<(cchc_domain::period::Period, (NaiveDate, NaiveDate)), Error> {
    let period = crate::parse_period(key, calendar)?;
    let days = calendar
        .range(period)
        .ok_or_else(|| Error::PeriodNotInCalendar {
            period: key.to_string(),
            calendar: calendar.name().to_string(),
        })?;
    Ok((period, days))
}

/// A text column's values (nulls as empty).
fn texts(df: &DataFrame, name: &str) -> Result<Vec<String>, Error> {
    let col = df
        .column(name)
        .map_err(cchc_analysis::AnalysisError::from)?
        .cast(&DataType::String)
        .map_err(cchc_analysis::AnalysisError::from)?;
    let strings = col.str().map_err(cchc_analysis::AnalysisError::from)?;
    Ok(strings
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

/// Form A of `[start, end]` by unit and field, and the late and overdue dossiers,
/// from a `dossier_records` frame (perhaps filtered or edited by an analyst): the
/// frames `cchc.classify` returns. A row whose days do not read is left out and
/// counted in the third value.
///
/// # Errors
/// [`Error::Analysis`] when a column is missing or of a type that cannot be text.
pub fn classify_frame(
    records: &DataFrame,
    period: &str,
    (start, end): (NaiveDate, NaiveDate),
) -> Result<(DataFrame, DataFrame, usize), Error> {
    let col = |n: &str| texts(records, n);
    let (unit, field, channel) = (col("unit_id")?, col("field")?, col("channel")?);
    let (received, due, finished) = (col("received")?, col("due")?, col("finished")?);
    let (id, code, name) = (
        col("dossier_id")?,
        col("procedure_code")?,
        col("procedure_name")?,
    );
    let (file, sheet, cell) = (col("source_file")?, col("sheet")?, col("cell")?);
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    // One shared part per unit, source and texts, as a batch's dossiers share them.
    type Key<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, &'a str);
    let mut shared: BTreeMap<Key, Arc<DossierShared>> = BTreeMap::new();
    let mut dossiers = Vec::with_capacity(records.height());
    let mut skipped = 0;
    for i in 0..records.height() {
        let channel = match channel[i].as_str() {
            "online" => Channel::Online,
            "direct" => Channel::Direct,
            "postal" => Channel::Postal,
            _ => {
                skipped += 1;
                continue;
            }
        };
        let (Some(r), Some(d)) = (day(&received[i]), day(&due[i])) else {
            skipped += 1;
            continue;
        };
        let key = (
            unit[i].as_str(),
            file[i].as_str(),
            sheet[i].as_str(),
            code[i].as_str(),
            name[i].as_str(),
            field[i].as_str(),
        );
        let shared = shared
            .entry(key)
            .or_insert_with(|| {
                Arc::new(DossierShared {
                    texts: Arc::new(DossierTexts {
                        procedure_code: key.3.into(),
                        procedure_name: key.4.into(),
                        field: key.5.into(),
                        ..DossierTexts::default()
                    }),
                    unit: Arc::new(DossierUnit {
                        unit_id: Arc::from(key.0),
                        name: Arc::from(""),
                        district: Arc::from(""),
                    }),
                    source: Arc::new(DossierSource {
                        file: Arc::from(key.1),
                        sheet: Arc::from(key.2),
                    }),
                })
            })
            .clone();
        let (row, col) = parse_a1(&cell[i]).unwrap_or((0, 0));
        dossiers.push(BatchDossier {
            id: id[i].as_str().into(),
            shared,
            received: r,
            received_time: None,
            due: d,
            due_from_limit: false,
            finished: day(&finished[i]),
            returned: None,
            time_limit: None,
            channel,
            row,
            col: u16::try_from(col).unwrap_or(u16::MAX),
        });
    }
    let (counts, late) = classify(&dossiers, (start, end));
    let carried = computed_measures();
    let mut columns = vec![
        Column::new(
            "unit_id".into(),
            counts
                .iter()
                .map(|c| c.unit_id.to_string())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "field".into(),
            counts
                .iter()
                .map(|c| c.field.to_string())
                .collect::<Vec<_>>(),
        ),
        Column::new("period".into(), vec![period.to_string(); counts.len()]),
    ];
    for m in Measure::all().filter(|m| carried & m.bit() != 0) {
        columns.push(Column::new(
            m.id().into(),
            counts
                .iter()
                .map(|c| c.values[m.index()])
                .collect::<Vec<i64>>(),
        ));
    }
    let counts_df =
        DataFrame::new(counts.len(), columns).map_err(cchc_analysis::AnalysisError::from)?;
    let p: cchc_domain::period::Period = period.parse()?;
    let late: Vec<_> = late.into_iter().map(|l| (p, l)).collect();
    let late_df = cchc_analysis::dossier_frames::late_dossiers_frame(&late, &|_| String::new())?;
    Ok((counts_df, late_df, skipped))
}
