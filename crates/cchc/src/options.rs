//! A run's options as given (paths and texts) and as validated: every file they name
//! read and checked, before any input is.

use std::path::{Path, PathBuf};

use cchc_domain::period::{Calendar, Period};
use cchc_domain::target::Catalogue;
use cchc_domain::unit::{Registry, Unit};
use cchc_domain::workdays::WorkCalendar;
use cchc_read::sniff::Limits;
use cchc_read::workbook::ReadContext;
use cchc_report::export::CsvText;

use crate::Error;

/// What a user asks for: inputs and the files and values that change the run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Workbooks and folders (walked recursively).
    pub inputs: Vec<PathBuf>,
    /// The unit registry CSV; `None`: the embedded Hưng Yên registry.
    pub registry: Option<PathBuf>,
    /// The target catalogue TOML; `None`: the embedded 2022 plan.
    pub targets: Option<PathBuf>,
    /// The reporting calendar TOML; `None`: the embedded calendar of Nghị định
    /// 09/2019/NĐ-CP.
    pub calendar: Option<PathBuf>,
    /// The working-day calendar TOML of dossiers' due dates; `None`: the embedded
    /// 2022–2026 one.
    pub workdays: Option<PathBuf>,
    /// The only period counted (`2022-Q1`); `None`: every period found counts, the one
    /// most tables state being the report's.
    pub period: Option<String>,
    /// The unit (id or name) of files that name none.
    pub unit: Option<String>,
    /// Reading limits (file size, inflated size, seconds per file).
    pub limits: Limits,
    /// How the exports' CSV text is written (safe to open by default, `--csv-raw`).
    pub csv: CsvText,
    /// Folder for the feedback workbooks, one per unit (`--feedback DIR`).
    pub feedback: Option<PathBuf>,
    /// The period's Word report to write (`--narrative FILE.docx`).
    pub narrative: Option<PathBuf>,
}

impl Options {
    /// Options for these inputs, everything else by default (the embedded registry
    /// and 2022 catalogue, the period most tables state, the default limits).
    ///
    /// ```
    /// let opts = cchc::Options {
    ///     period: Some("2022-Q5".into()),
    ///     ..cchc::Options::new(["."])
    /// };
    /// assert!(matches!(opts.validate(), Err(cchc::Error::Period(_))));
    /// ```
    pub fn new(inputs: impl IntoIterator<Item = impl Into<PathBuf>>) -> Options {
        Options {
            inputs: inputs.into_iter().map(Into::into).collect(),
            ..Options::default()
        }
    }

    /// Reads and checks everything the options name: the catalogue, the registry, the
    /// calendar, the period, that each input exists. Nothing is read from the inputs.
    ///
    /// # Errors
    /// [`Error::Read`], [`Error::Catalogue`], [`Error::Registry`], [`Error::Calendar`],
    /// [`Error::Period`], [`Error::PeriodNotInCalendar`], [`Error::InputMissing`].
    pub fn validate(self) -> Result<Run, Error> {
        let catalogue = load_catalogue(self.targets.as_deref())?;
        let units = load_registry_units(self.registry.as_deref())?;
        let calendar = load_calendar(self.calendar.as_deref())?;
        let workdays = load_workdays(self.workdays.as_deref())?;
        let period = self
            .period
            .as_deref()
            .map(|p| parse_period(p, &calendar))
            .transpose()?;
        if let Some(missing) = self.inputs.iter().find(|i| !i.exists()) {
            return Err(Error::InputMissing(missing.clone()));
        }
        let context = ReadContext {
            aliases: cchc_domain::measure::HeaderAliases::embedded(),
            catalogue: catalogue.clone(),
            limits: self.limits,
            calendar,
            workdays,
        };
        Ok(Run {
            csv: self.csv,
            feedback: self.feedback,
            narrative: self.narrative,
            inputs: self.inputs,
            catalogue,
            units,
            period,
            unit_fallback: self.unit,
            context,
        })
    }
}

/// Validated options, ready to read ([`Run::read`]) or to run the whole job
/// ([`Run::consolidate`](crate::Run::consolidate)).
#[derive(Debug)]
pub struct Run {
    pub(crate) inputs: Vec<PathBuf>,
    pub(crate) catalogue: Catalogue,
    /// The registry's units, checked; indexed while the inputs are read.
    pub(crate) units: Vec<Unit>,
    pub(crate) period: Option<Period>,
    pub(crate) unit_fallback: Option<String>,
    pub(crate) context: ReadContext,
    pub(crate) csv: CsvText,
    pub(crate) feedback: Option<PathBuf>,
    pub(crate) narrative: Option<PathBuf>,
}

impl Run {
    /// The reporting calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.context.calendar
    }

    /// The target catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The inputs.
    pub fn inputs(&self) -> &[PathBuf] {
        &self.inputs
    }
}

/// Reads a catalogue file, or the embedded 2022 plan for `None`.
///
/// # Errors
/// [`Error::Read`], [`Error::Catalogue`] (naming line and key).
pub fn load_catalogue(path: Option<&Path>) -> Result<Catalogue, Error> {
    let Some(p) = path else {
        return Ok(Catalogue::default_2022());
    };
    let text = read(p)?;
    Catalogue::from_toml(&text).map_err(|source| Error::Catalogue {
        path: p.to_path_buf(),
        source,
    })
}

/// Reads a calendar file, or the embedded calendar of Nghị định 09/2019/NĐ-CP for
/// `None`.
///
/// # Errors
/// [`Error::Read`], [`Error::Calendar`] (naming line and key).
pub fn load_calendar(path: Option<&Path>) -> Result<Calendar, Error> {
    let Some(p) = path else {
        return Ok(Calendar::official());
    };
    let text = read(p)?;
    Calendar::from_toml(&text).map_err(|source| Error::Calendar {
        path: p.to_path_buf(),
        source,
    })
}

/// The working-day calendar: the file given, else the embedded one.
///
/// # Errors
/// [`Error::Read`] when the file cannot be read, [`Error::Workdays`] when it is not a
/// working-day calendar.
pub fn load_workdays(path: Option<&Path>) -> Result<WorkCalendar, Error> {
    let Some(p) = path else {
        return Ok(WorkCalendar::embedded());
    };
    let text = read(p)?;
    WorkCalendar::from_toml(&text).map_err(|source| Error::Workdays {
        path: p.to_path_buf(),
        source,
    })
}

/// A period key that the calendar has.
///
/// # Errors
/// [`Error::Period`] for a key of no form, [`Error::PeriodNotInCalendar`] for a kind
/// of period the calendar does not define.
pub fn parse_period(key: &str, calendar: &Calendar) -> Result<Period, Error> {
    let p: Period = key.parse()?;
    if calendar.defines(p.kind) {
        Ok(p)
    } else {
        Err(Error::PeriodNotInCalendar {
            period: key.to_string(),
            calendar: calendar.name().to_string(),
        })
    }
}

/// The units of a registry file (or of the embedded one for `None`), checked; a
/// [`Registry`] indexes them ([`load_registry`] does both).
///
/// # Errors
/// [`Error::Read`], [`Error::Registry`].
pub fn load_registry_units(path: Option<&Path>) -> Result<Vec<Unit>, Error> {
    let text = match path {
        Some(p) => read(p)?,
        None => cchc_domain::unit::DEFAULT_REGISTRY_CSV.to_string(),
    };
    Registry::units_from_csv(&text).map_err(|source| Error::Registry {
        path: path.map(Path::to_path_buf),
        source,
    })
}

/// A registry file, or the embedded Hưng Yên registry for `None`.
///
/// # Errors
/// As [`load_registry_units`].
pub fn load_registry(path: Option<&Path>) -> Result<Registry, Error> {
    Ok(Registry::from_units(load_registry_units(path)?))
}

/// The unit a registry gives for an id or a name.
///
/// # Errors
/// [`Error::UnknownUnit`].
pub fn find_unit(registry: &Registry, unit: &str) -> Result<Unit, Error> {
    registry
        .get(unit)
        .or_else(|| registry.match_name(unit))
        .cloned()
        .ok_or_else(|| Error::UnknownUnit(unit.to_string()))
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked_before_any_input_is_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let missing = dir.path().join("nowhere");
        let err = Options::new([&missing])
            .validate()
            .expect_err("missing input");
        assert!(matches!(err, Error::InputMissing(p) if p == missing));
        let bad = dir.path().join("t.toml");
        std::fs::write(&bad, "plan = \"P\"\n[[target]]\nid = \"x\"\n").expect("write");
        let err = Options {
            targets: Some(bad.clone()),
            ..Options::new([dir.path()])
        }
        .validate()
        .expect_err("bad catalogue");
        assert!(matches!(&err, Error::Catalogue { path, .. } if *path == bad));
        assert!(err.to_string().contains("t.toml"), "{err}");
        let err = Options {
            period: Some("2022-Q5".into()),
            ..Options::new([dir.path()])
        }
        .validate()
        .expect_err("bad period");
        assert!(matches!(err, Error::Period(_)));
        let run = Options::new([dir.path()]).validate().expect("valid");
        assert_eq!(run.catalogue().targets.len(), 20);
        let reg = load_registry(None).expect("embedded");
        assert!(matches!(
            find_unit(&reg, "Trường THPT Xyz"),
            Err(Error::UnknownUnit(_))
        ));
        assert_eq!(
            find_unit(&reg, "PGD Van Lam").expect("alias").unit_id,
            "pgd-vanlam"
        );
    }
}
