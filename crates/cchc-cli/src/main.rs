//! `cchc`: consolidate and check administrative-reform reports.

mod catalogue;
mod check;
mod cli;
mod run;

#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    std::process::exit(run::main());
}
