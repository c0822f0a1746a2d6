//! `cargo xtask screenshot [--results DIR] [--out DIR]`: renders the tour's
//! `index.html` in headless Chromium (Debian's `chromium` package), once at
//! the top of the page and once per study (`index.html?only=NAME`, the same
//! page showing one section), so a person can look at the report as a
//! reader sees it.
//!
//! Runs the quick tour into `DIR` first when `DIR/index.html` is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

const USAGE: &str = "usage: cargo xtask screenshot [--results DIR] [--out DIR]\n\n  --results DIR  the tour's output (default: results; the tour is run if DIR/index.html is missing)\n  --out DIR      where the PNGs go (default: DIR/screenshots)";

/// The Chromium binary: `$CHROMIUM`, else `chromium` on the PATH.
fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".to_string())
}

/// Section ids of the page, in order (`<section id="...">`).
fn sections(html: &str) -> Vec<String> {
    html.split("<section id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_string))
        .collect()
}

fn shoot(url: &str, png: &Path, profile: &Path) -> Result<(), String> {
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,1600",
            "--virtual-time-budget=4000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(url)
        .output()
        .map_err(|e| {
            format!(
                "could not start {} ({e}); install Debian's chromium package",
                chromium()
            )
        })?;
    let ok = std::fs::metadata(png)
        .map(|m| m.len() > 1000)
        .unwrap_or(false);
    if output.status.success() && ok {
        Ok(())
    } else {
        Err(format!(
            "chromium did not write {} ({}): {}",
            png.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ))
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let root = crate::test::workspace_root();
    let (mut results, mut out) = (root.join("results"), None::<PathBuf>);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--results" => results = PathBuf::from(value()?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--help" | "-h" => return Err(USAGE.into()),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    let index = results.join("index.html");
    if !index.is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let status = Command::new(cargo)
            .current_dir(&root)
            .args([
                "run",
                "--release",
                "-p",
                "experiments",
                "--",
                "tour",
                "--out",
            ])
            .arg(&results)
            .status()
            .map_err(|e| format!("could not start cargo: {e}"))?;
        if !status.success() {
            return Err(format!("the tour failed ({status})"));
        }
    }
    let index = index
        .canonicalize()
        .map_err(|e| format!("{}: {e}", index.display()))?;
    let html = std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let out = out.unwrap_or_else(|| results.join("screenshots"));
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let profile = std::env::temp_dir().join(format!("optilab-chromium-{}", std::process::id()));
    let url = format!("file://{}", index.display());
    let mut shots = vec![("00-top".to_string(), url.clone())];
    for (i, id) in sections(&html).iter().enumerate() {
        shots.push((format!("{:02}-{id}", i + 1), format!("{url}?only={id}")));
    }
    for (name, url) in &shots {
        let png = out.join(format!("{name}.png"));
        shoot(url, &png, &profile)?;
        eprintln!("wrote {}", png.display());
    }
    let _ = std::fs::remove_dir_all(&profile);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sections_are_found_in_order() {
        let html = "<section id=\"a\"><h2>A</h2></section><section id=\"summary\">";
        assert_eq!(super::sections(html), ["a", "summary"]);
    }
}
