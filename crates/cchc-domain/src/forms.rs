//! The forms and their measures as data: the vocabulary target expressions are written
//! in (docs/contract.md §8).
//!
//! `data/forms.toml` lists each form's measures ([`MeasureDef`]) with their Vietnamese
//! labels and how each is formed from a unit's rows ([`Source`]), and for Form A the
//! identities checked between them ([`Identity`]), the measures derived from others
//! ([`Derived`]) and the carry-over rule between periods. [`vocabulary`] is the
//! embedded file, read once.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// The embedded form vocabulary.
pub const FORMS_TOML: &str = include_str!("../data/forms.toml");

/// Which form feeds a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Form {
    /// Form A, dossier results.
    A,
    /// Form B, online public services.
    B,
    /// Form C, staffing and public units.
    C,
    /// Form D, other indicators.
    D,
}

impl Form {
    /// Every form, in order.
    pub const ALL: [Form; 4] = [Form::A, Form::B, Form::C, Form::D];

    /// `A`, `B`, `C`, `D`.
    pub fn letter(self) -> &'static str {
        match self {
            Form::A => "A",
            Form::B => "B",
            Form::C => "C",
            Form::D => "D",
        }
    }

    /// The form a letter names (`A`…`D`, any case).
    pub fn from_letter(text: &str) -> Option<Form> {
        Form::ALL
            .into_iter()
            .find(|f| f.letter().eq_ignore_ascii_case(text.trim()))
    }
}

/// How a measure is formed from a unit's rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The sum of a frame column over the unit's rows (Forms A and C). With
    /// `rows_with`, only rows where each of those columns has a value are summed.
    Sum {
        /// The frame column.
        column: String,
        /// Columns a row must all carry to be summed (empty: every row).
        rows_with: Vec<String>,
    },
    /// How many rows (listed procedures, Form B) meet every condition.
    Count(Vec<Condition>),
    /// `numerator` or `denominator` of the Form D row matched to the target.
    Row(String),
}

/// A condition on a frame column of a Form B row.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The integer column holds one of these values.
    OneOf(String, Vec<i64>),
    /// The yes/no column holds this value.
    Is(String, bool),
}

/// One measure of a form.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureDef {
    /// The name expressions use (`resolved_early`).
    pub id: String,
    /// Vietnamese label.
    pub label: String,
    /// Form A: the column number on the official form, when it has one.
    pub column: Option<u32>,
    /// Form A: a table without the column is set aside.
    pub required: bool,
    /// How it is formed.
    pub source: Source,
    /// Form A: how a cumulative period's value follows from its parts'
    /// (`period.cumulative_mismatch`); `None`: not checked.
    pub over_time: Option<OverTime>,
}

/// How a cumulative period's value (`H1`) follows from the values of its parts
/// (`Q1`, `Q2`), docs/contract.md §9.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverTime {
    /// A flow: the sum of the parts' values (received in the period, resolved).
    Sum,
    /// An opening stock: the first part's value (carried over from before).
    First,
    /// A closing stock: the last part's value (pending at the end).
    Last,
}

impl OverTime {
    fn parse(s: &str) -> Option<OverTime> {
        match s {
            "sum" => Some(OverTime::Sum),
            "first" => Some(OverTime::First),
            "last" => Some(OverTime::Last),
            _ => None,
        }
    }
}

/// An identity between Form A measures: `total` = the sum of `parts`.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    /// The rule id of its findings (`identity.received`).
    pub rule: String,
    /// Index of the total among Form A's measures.
    pub total: usize,
    /// Indices of the parts.
    pub parts: Vec<usize>,
    /// How the form writes it (`(3) = (4) + (5) + (6)`).
    pub text: String,
}

/// A Form A measure computed, when a table has no column for it, as the sum of others.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// Index of the measure.
    pub measure: usize,
    /// Indices of the measures added up.
    pub sum: Vec<usize>,
}

/// One form's measures.
#[derive(Debug, Clone, PartialEq)]
pub struct FormDef {
    /// The form.
    pub form: Form,
    /// Vietnamese title.
    pub title: String,
    /// Measures in the file's order.
    pub measures: Vec<MeasureDef>,
}

impl FormDef {
    /// The index of a measure by its id.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.measures.iter().position(|m| m.id == id)
    }
}

/// Every form's measures, and the rules between Form A's.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    /// Forms A, B, C, D in order.
    pub forms: [FormDef; 4],
    /// Form A identities, in the file's order.
    pub identities: Vec<Identity>,
    /// Form A derived measures, in the order they are tried.
    pub derived: Vec<Derived>,
    /// Form A: (this period's measure, the previous period's measure) that must agree.
    pub carry: Option<(usize, usize)>,
}

/// The vocabulary file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("danh mục biểu mẫu (forms.toml): {0}")]
pub struct FormsError(String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForms {
    form_a: RawForm,
    form_b: RawForm,
    form_c: RawForm,
    form_d: RawForm,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForm {
    title: String,
    measure: Vec<RawMeasure>,
    #[serde(default)]
    derived: Vec<RawDerived>,
    #[serde(default)]
    identity: Vec<RawIdentity>,
    carry: Option<RawCarry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    id: String,
    label: String,
    column: Option<u32>,
    #[serde(default)]
    required: bool,
    sum: Option<String>,
    #[serde(default)]
    rows_with: Vec<String>,
    count: Option<BTreeMap<String, toml::Value>>,
    row: Option<String>,
    over_time: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDerived {
    measure: String,
    sum: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdentity {
    rule: String,
    total: String,
    parts: Vec<String>,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCarry {
    this: String,
    previous: String,
}

/// Most Form A measures: a row's presence mask is a `u32`.
pub const MAX_FORM_A_MEASURES: usize = 32;

impl Vocabulary {
    /// Reads a vocabulary.
    ///
    /// # Errors
    /// [`FormsError`] for invalid TOML, a measure without a source or with two, a
    /// duplicate id, or a rule naming a measure the form does not have.
    pub fn from_toml(text: &str) -> Result<Vocabulary, FormsError> {
        let raw: RawForms = toml::from_str(text).map_err(|e| FormsError(e.to_string()))?;
        let mut forms = Vec::new();
        let mut rules = (Vec::new(), Vec::new(), None);
        for (form, rf) in Form::ALL
            .into_iter()
            .zip([raw.form_a, raw.form_b, raw.form_c, raw.form_d])
        {
            let mut measures: Vec<MeasureDef> = Vec::new();
            for m in rf.measure {
                if measures.iter().any(|x| x.id == m.id) {
                    return Err(FormsError(format!(
                        "biểu {}: `{}` trùng",
                        form.letter(),
                        m.id
                    )));
                }
                let source = source(form, &m)?;
                let over_time = match (form, m.over_time.as_deref()) {
                    (_, None) => None,
                    (Form::A, Some(t)) => Some(OverTime::parse(t).ok_or_else(|| {
                        FormsError(format!(
                            "biểu A: `{}`: over_time `{t}` không hợp lệ (sum, first, last)",
                            m.id
                        ))
                    })?),
                    (_, Some(_)) => {
                        return Err(FormsError(format!(
                            "biểu {}: `{}`: over_time chỉ dùng cho biểu A",
                            form.letter(),
                            m.id
                        )))
                    }
                };
                measures.push(MeasureDef {
                    id: m.id,
                    label: m.label,
                    column: m.column,
                    required: m.required,
                    source,
                    over_time,
                });
            }
            if form == Form::A && measures.len() > MAX_FORM_A_MEASURES {
                return Err(FormsError(format!(
                    "biểu A có quá {MAX_FORM_A_MEASURES} chỉ số"
                )));
            }
            let def = FormDef {
                form,
                title: rf.title,
                measures,
            };
            let index = |id: &str| {
                def.index(id).ok_or_else(|| {
                    FormsError(format!("biểu {}: không có chỉ số `{id}`", form.letter()))
                })
            };
            let indices = |ids: &[String]| ids.iter().map(|i| index(i)).collect::<Result<_, _>>();
            if form != Form::A
                && (!rf.identity.is_empty() || !rf.derived.is_empty() || rf.carry.is_some())
            {
                return Err(FormsError(format!(
                    "biểu {}: identity, derived và carry chỉ dùng cho biểu A",
                    form.letter()
                )));
            }
            for i in &rf.identity {
                rules.0.push(Identity {
                    rule: i.rule.clone(),
                    total: index(&i.total)?,
                    parts: indices(&i.parts)?,
                    text: i.text.clone(),
                });
            }
            for d in &rf.derived {
                rules.1.push(Derived {
                    measure: index(&d.measure)?,
                    sum: indices(&d.sum)?,
                });
            }
            if let Some(c) = &rf.carry {
                rules.2 = Some((index(&c.this)?, index(&c.previous)?));
            }
            forms.push(def);
        }
        if rules.0.len() > usize::from(u8::MAX) {
            return Err(FormsError("quá 255 đẳng thức".into()));
        }
        let ids: Vec<&str> = rules.0.iter().map(|i| i.rule.as_str()).collect();
        if ids.iter().enumerate().any(|(k, id)| ids[..k].contains(id)) {
            return Err(FormsError("hai đẳng thức cùng một mã quy tắc".into()));
        }
        let forms: [FormDef; 4] = forms
            .try_into()
            .map_err(|_| FormsError("thiếu biểu".into()))?;
        Ok(Vocabulary {
            forms,
            identities: rules.0,
            derived: rules.1,
            carry: rules.2,
        })
    }

    /// One form's measures.
    pub fn form(&self, form: Form) -> &FormDef {
        &self.forms[form as usize]
    }

    /// The form and index of a measure named in a form's expressions.
    pub fn measure(&self, form: Form, id: &str) -> Option<usize> {
        self.form(form).index(id)
    }

    /// Which forms have a measure of this name (to say "that is a Form B measure").
    pub fn forms_with(&self, id: &str) -> Vec<Form> {
        Form::ALL
            .into_iter()
            .filter(|f| self.measure(*f, id).is_some())
            .collect()
    }
}

fn source(form: Form, m: &RawMeasure) -> Result<Source, FormsError> {
    let err = |what: &str| FormsError(format!("biểu {}: `{}`: {what}", form.letter(), m.id));
    let given = [m.sum.is_some(), m.count.is_some(), m.row.is_some()];
    let kind = match (form, given) {
        (Form::A | Form::C, [true, false, false]) => "sum",
        (Form::B, [true, false, false]) => "sum",
        (Form::B, [false, true, false]) => "count",
        (Form::D, [false, false, true]) => "row",
        // Form A's measures are the dossiers frame's columns of the same name.
        (Form::A, [false, false, false]) => "own",
        _ => return Err(err("cần đúng một nguồn (sum, count hoặc row) hợp với biểu")),
    };
    if !m.rows_with.is_empty() && kind != "sum" {
        return Err(err("rows_with chỉ dùng với sum"));
    }
    if (m.column.is_some() || m.required) && form != Form::A {
        return Err(err("column và required chỉ dùng cho biểu A"));
    }
    Ok(match kind {
        "own" => Source::Sum {
            column: m.id.clone(),
            rows_with: Vec::new(),
        },
        "sum" => Source::Sum {
            column: m.sum.clone().unwrap_or_default(),
            rows_with: m.rows_with.clone(),
        },
        "count" => {
            let mut conditions = Vec::new();
            for (column, value) in m.count.iter().flatten() {
                conditions.push(match value {
                    toml::Value::Boolean(b) => Condition::Is(column.clone(), *b),
                    toml::Value::Array(values) => Condition::OneOf(
                        column.clone(),
                        values
                            .iter()
                            .map(|v| v.as_integer().ok_or_else(|| err("count: cần số nguyên")))
                            .collect::<Result<_, _>>()?,
                    ),
                    _ => return Err(err("count: cần true/false hoặc danh sách số")),
                });
            }
            Source::Count(conditions)
        }
        _ => match m.row.as_deref() {
            Some(r @ ("numerator" | "denominator")) => Source::Row(r.to_string()),
            _ => return Err(err("row phải là numerator hoặc denominator")),
        },
    })
}

/// The embedded vocabulary, read once.
pub fn vocabulary() -> &'static Vocabulary {
    static V: OnceLock<Vocabulary> = OnceLock::new();
    V.get_or_init(|| {
        // Checked by a unit test; an error here is a build defect, and an empty
        // vocabulary then knows no measure rather than crashing.
        Vocabulary::from_toml(FORMS_TOML).unwrap_or_else(|_| Vocabulary {
            forms: Form::ALL.map(|form| FormDef {
                form,
                title: String::new(),
                measures: Vec::new(),
            }),
            identities: Vec::new(),
            derived: Vec::new(),
            carry: None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_vocabulary_loads() {
        let v = Vocabulary::from_toml(FORMS_TOML).expect("embedded forms parse");
        let a = v.form(Form::A);
        assert_eq!(a.measures.iter().filter(|m| m.required).count(), 11);
        assert_eq!(a.measures[0].id, "received_total");
        assert_eq!(a.measures[10].column, Some(13));
        assert_eq!(v.identities.len(), 5);
        assert_eq!(v.identities[0].rule, "identity.received");
        assert_eq!(v.identities[0].parts, vec![1, 2, 3]);
        assert_eq!(v.measure(Form::C, "staff_base"), Some(2));
        assert_eq!(v.forms_with("numerator"), vec![Form::D]);
        let level34 = &v.form(Form::B).measures[3];
        assert_eq!(
            level34.source,
            Source::Count(vec![Condition::OneOf("level".into(), vec![3, 4])])
        );
        assert!(v.carry.is_some());
    }

    #[test]
    fn bad_vocabularies_are_refused() {
        let good = FORMS_TOML;
        let unknown_part = good.replace(
            "parts = [\"pending_in_time\", \"pending_overdue\"]",
            "parts = [\"pending_in_time\", \"pending_late\"]",
        );
        let e = Vocabulary::from_toml(&unknown_part).expect_err("unknown part");
        assert!(e.to_string().contains("pending_late"), "{e}");
        let two_sources = good.replace(
            "row = \"denominator\"",
            "row = \"denominator\"\nsum = \"x\"",
        );
        assert!(Vocabulary::from_toml(&two_sources).is_err());
    }
}
