//! `cchc serve` and `cchc link`: the collection page and its links.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{bail, Context, Result};

use crate::cli::{LinkArgs, ServeArgs};

/// Unit names by id, from the registry.
fn unit_names(registry: Option<&std::path::Path>) -> Result<BTreeMap<String, String>> {
    Ok(cchc::load_registry_units(registry)?
        .into_iter()
        .map(|u| (u.unit_id, u.name))
        .collect())
}

pub fn run(args: &ServeArgs) -> Result<i32> {
    let store = cchc_serve::Store::open(&args.data)
        .with_context(|| format!("data folder {}", args.data.display()))?;
    let app = Arc::new(cchc_serve::App {
        store,
        settings: cchc_serve::CheckSettings {
            registry: args.registry.clone(),
        },
        units: unit_names(args.registry.as_deref())?,
        limits: cchc_serve::Limits::default(),
    });
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.bind)
            .await
            .with_context(|| format!("listen on {}", args.bind))?;
        eprintln!(
            "cchc serve: http://{} (dữ liệu: {})",
            listener.local_addr()?,
            args.data.display()
        );
        cchc_serve::serve(listener, app).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(0)
}

pub fn link(args: &LinkArgs) -> Result<i32> {
    let names = unit_names(args.registry.as_deref())?;
    if !names.contains_key(&args.unit) {
        bail!("đơn vị \"{}\" không có trong danh mục", args.unit);
    }
    cchc::parse_period(&args.period, &cchc::load_calendar(None)?)?;
    let store = cchc_serve::Store::open(&args.data)
        .with_context(|| format!("data folder {}", args.data.display()))?;
    let token = store.issue_link(&args.unit, &args.period)?;
    println!("{}/u/{token}", args.base.trim_end_matches('/'));
    Ok(0)
}
