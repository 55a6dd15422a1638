//! `cchc`: consolidate and check administrative-reform reports.

mod cli;
mod cmd;
mod run;
mod timings;

#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    std::process::exit(run::main());
}
