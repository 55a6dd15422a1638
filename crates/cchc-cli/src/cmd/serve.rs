//! `cchc serve` and `cchc link`: the collection page and its links.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{bail, Context, Result};

use crate::cli::{LinkArgs, OfficePasswordArgs, ServeArgs};

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
    if !store.has_office_password()? {
        eprintln!(
            "cchc serve: chưa đặt mật khẩu văn phòng (cchc office-password --data {}); trang văn phòng chưa đăng nhập được",
            args.data.display()
        );
    }
    let app = Arc::new(
        cchc_serve::App::new(
            store,
            cchc_serve::CheckSettings {
                registry: args.registry.clone(),
                limits: args.limits.limits(),
            },
            cchc::load_registry(args.registry.as_deref())?,
            cchc_serve::Limits::default(),
        )
        .with_public_url(
            args.public_url
                .as_deref()
                .unwrap_or(&format!("http://{}", args.bind)),
        ),
    );
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
    // Kept under the period's key (`2022-q1` is `2022-Q1`), as the office's pages are.
    let period = cchc::parse_period(&args.period, &cchc::load_calendar(None)?)?.to_string();
    let store = cchc_serve::Store::open(&args.data)
        .with_context(|| format!("data folder {}", args.data.display()))?;
    let token = store.issue_link(&args.unit, &period)?;
    println!("{}/u/{token}", args.base.trim_end_matches('/'));
    Ok(0)
}

/// Sets the office's password from the first line of standard input (at least 10
/// characters).
pub fn office_password(args: &OfficePasswordArgs) -> Result<i32> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']);
    if password.chars().count() < 10 {
        bail!("mật khẩu cần ít nhất 10 ký tự");
    }
    let store = cchc_serve::Store::open(&args.data)
        .with_context(|| format!("data folder {}", args.data.display()))?;
    store.set_office_password(password)?;
    eprintln!("cchc: đã đặt mật khẩu văn phòng");
    Ok(0)
}
