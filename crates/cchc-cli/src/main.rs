//! `cchc`: consolidate and check administrative-reform reports.

mod cli;
mod run;

fn main() {
    std::process::exit(run::main());
}
