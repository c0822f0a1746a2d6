//! `results/index.md` and `results/index.html`: every study with its
//! teaching frame (claim, experiment, what to look at, computed verdict),
//! finding and figures, a table of contents that stays in view, and a
//! closing summary table.

use std::path::Path;

use super::frame::{Frame, Verdict};
use super::markdown::{escape, markdown_to_html};
use super::study::{Outcome, Report};
use crate::error::{ExperimentsError, Result};

const STYLE: &str = "\
*{box-sizing:border-box}\
body{font-family:'DejaVu Sans',sans-serif;margin:0;line-height:1.45;color:#222}\
#toc{position:fixed;top:0;left:0;width:250px;height:100vh;overflow-y:auto;padding:1em;background:#f6f6f6;border-right:1px solid #ddd;font-size:.88em}\
#toc ol{padding-left:1.3em}#toc li{margin:.25em 0}\
main{margin-left:250px;padding:1em 2em;max-width:1100px}\
img{max-width:100%;border:1px solid #ddd}figure{margin:1.2em 0}figcaption{color:#555;font-size:.9em}\
.failed{color:#b00}table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.2em .5em}\
code,pre{background:#f4f4f4}pre{padding:.6em;overflow-x:auto}\
.run{padding:.5em .8em;background:#eef4fb;border-left:4px solid #4a7fb5}\
.frame{border:1px solid #bbb;border-radius:6px;padding:.6em 1em;background:#fcfcf4;margin:.8em 0}\
.frame p{margin:.3em 0}.frame ul{margin:.3em 0}\
.verdict{font-weight:bold;padding:.1em .5em;border-radius:4px;color:#fff}\
.shown{background:#2a7d2a}.partly_shown{background:#b07a00}.not_shown_at_this_size{background:#a33}\
.top{font-size:.85em}blockquote{margin:.5em 0;padding:.2em 1em;border-left:4px solid #ccc;background:#fafafa}\
@media (max-width:800px){#toc{position:static;width:auto;height:auto}main{margin-left:0}}";

/// Python that re-draws any figure from its `<stem>.json` with matplotlib.
const REPLOT: &str = r#"import json, sys
import matplotlib.pyplot as plt

TAB10 = plt.get_cmap("tab10").colors
DASH = {"solid": "-", "dashed": "--", "dotted": ":"}
fig = json.load(open(sys.argv[1]))          # e.g. conditioning/distance.json
assert fig["type"] == "line", "this snippet draws line charts"
ax = plt.gca()
for i, s in enumerate(fig["series"]):
    xs = [p[0] if p[0] is not None else float("nan") for p in s["points"]]
    ys = [p[1] if p[1] is not None else float("nan") for p in s["points"]]
    style = DASH[s.get("dash", "solid")] if s["style"] != "points" else "o"
    ax.plot(xs, ys, style, color=TAB10[(s.get("color") or i) % 10], label=s["label"])
ax.set_xscale("log" if fig["x_scale"] == "log" else "linear")
ax.set_yscale("log" if fig["y_scale"] == "log" else "linear")
ax.set_xlabel(fig["x_label"]); ax.set_ylabel(fig["y_label"]); ax.set_title(fig["title"])
ax.legend(); plt.show()
"#;

/// `index.html?only=NAME` shows just that study's section (for links that
/// point at one study, and for per-study screenshots).
const ONLY: &str = "const only=new URLSearchParams(location.search).get('only');if(only){for(const s of document.querySelectorAll('main>section,main>h1,main>p.run,footer')){if(s.id!==only)s.style.display='none';}}";

/// Which run the study's folder comes from (`, run 2025-05-01T12:00:00Z`).
fn run_note(r: &Report) -> String {
    match (&r.outcome, &r.run) {
        (Outcome::Completed, Some(run)) => format!(", run {run}"),
        (Outcome::Failed(_), Some(run)) => format!("; its folder keeps the results of run {run}"),
        _ => String::new(),
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Shown => "shown",
        Verdict::PartlyShown => "partly_shown",
        Verdict::NotShownAtThisSize => "not_shown_at_this_size",
    }
}

fn frame_html(frame: &Frame, report: &Report) -> String {
    let v = frame.verdict();
    let mut html = format!(
        "<div class=\"frame\"><p><strong>Claim</strong> ({}, {}): \u{201c}{}\u{201d}</p>\n<p><strong>Experiment</strong>: {}</p>\n<p><strong>Look at</strong>: {}</p>\n<p><strong>Verdict</strong>: <span class=\"verdict {}\">{}</span></p>\n<ul>\n",
        escape(frame.source.name()),
        escape(&frame.place),
        escape(&frame.claim),
        escape(&frame.experiment),
        escape(&frame.look_at),
        verdict_class(v),
        v.words()
    );
    for c in &frame.checks {
        html.push_str(&format!(
            "<li>{} {}</li>\n",
            if c.passed { "\u{2713}" } else { "\u{2717}" },
            markdown_to_html(&c.evidence)
                .trim()
                .trim_start_matches("<p>")
                .trim_end_matches("</p>")
        ));
    }
    html.push_str("</ul>\n");
    if v != Verdict::Shown && !report.full {
        html.push_str(&format!(
            "<p>A quick run may be too small to show it: run <code>experiments study {} --full</code>.</p>\n",
            report.name
        ));
    }
    html.push_str("</div>\n");
    html
}

/// "quick", "full" or "quick and full" for the page's header.
fn run_kind(reports: &[Report]) -> &'static str {
    match (
        reports.iter().any(|r| r.full),
        reports.iter().any(|r| !r.full),
    ) {
        (true, true) => "a mix of quick and full-size runs (each study says which)",
        (true, false) => "full-size runs (`--full`: the lecture's settings)",
        _ => {
            "quick runs (the tour's setting; `experiments study NAME --full` runs a study at the lecture's size)"
        }
    }
}

fn summary_row(r: &Report) -> (String, String) {
    match (&r.outcome, &r.frame) {
        (Outcome::Failed(_), _) => ("".into(), "failed".into()),
        (_, Some(f)) => (f.claim.clone(), f.verdict().words().into()),
        (_, None) => ("".into(), "no verdict".into()),
    }
}

fn markdown(reports: &[Report], total: f64) -> String {
    let mut md = format!(
        "# optilab: the lecture's studies\n\n{} studies, {:.0} s in total; {}.\n\n",
        reports.len(),
        total,
        run_kind(reports)
    );
    for r in reports {
        let failed = matches!(r.outcome, Outcome::Failed(_));
        md.push_str(&format!(
            "- [{}]({}/README.md){}\n",
            r.title,
            r.name,
            if failed { " (failed)" } else { "" }
        ));
    }
    md.push('\n');
    for r in reports {
        md.push_str(&format!(
            "## {}\n\n*{}; `{}`; {} run; {:.1} s{}.*\n\n",
            r.title,
            r.section,
            r.name,
            if r.full { "full" } else { "quick" },
            r.seconds,
            run_note(r)
        ));
        if let Outcome::Failed(e) = &r.outcome {
            md.push_str(&format!("**Failed:** `{e}`\n\n"));
        }
        if let Some(frame) = &r.frame {
            md.push_str(&frame.to_markdown(&r.name, r.full));
            md.push('\n');
        }
        md.push_str(r.finding.trim_end());
        md.push_str("\n\n");
        for f in &r.figures {
            md.push_str(&format!("![{}]({}/{}.png)\n\n", f.caption, r.name, f.stem));
        }
    }
    md.push_str("## Summary\n\n| study | claim | verdict |\n|---|---|---|\n");
    for r in reports {
        let (claim, verdict) = summary_row(r);
        md.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            r.title,
            r.name,
            claim.replace('|', "/"),
            verdict
        ));
    }
    md.push_str(&format!(
        "\nEvery figure is also written as `<stem>.json` beside its PNG. To re-draw one with matplotlib:\n\n```python\n{REPLOT}```\n"
    ));
    md
}

fn section_html(r: &Report) -> String {
    let mut html = format!(
        "<section id=\"{0}\"><h2>{1}</h2>\n<p><em>{2}; <code>{0}</code>; {3} run; {4:.1} s{5}. <a href=\"{0}/README.md\">details</a></em></p>\n",
        r.name,
        escape(&r.title),
        escape(&r.section),
        if r.full { "full" } else { "quick" },
        r.seconds,
        escape(&run_note(r))
    );
    if let Outcome::Failed(e) = &r.outcome {
        html.push_str(&format!(
            "<p class=\"failed\"><strong>Failed:</strong> <code>{}</code></p>\n",
            escape(e)
        ));
    }
    if let Some(frame) = &r.frame {
        html.push_str(&frame_html(frame, r));
    }
    html.push_str(&markdown_to_html(&r.finding));
    for f in &r.figures {
        html.push_str(&format!(
            "<figure><img src=\"{0}/{1}.png\" alt=\"{2}\"><figcaption>{2} (<a href=\"{0}/{1}.svg\">SVG</a>, <a href=\"{0}/{1}.json\">JSON</a>)</figcaption></figure>\n",
            r.name,
            f.stem,
            escape(&f.caption)
        ));
    }
    if !r.data_files.is_empty() {
        let links: Vec<String> = r
            .data_files
            .iter()
            .map(|d| format!("<a href=\"{}/{d}\">{d}</a>", r.name))
            .collect();
        html.push_str(&format!("<p>Data: {}</p>\n", links.join(", ")));
    }
    html.push_str("<p class=\"top\"><a href=\"#top\">\u{2191} back to top</a></p>\n</section>\n");
    html
}

fn html(reports: &[Report], total: f64) -> String {
    let mut html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>optilab studies</title>\n<style>{STYLE}</style></head><body>\n<nav id=\"toc\"><strong>Studies</strong><ol>\n"
    );
    for r in reports {
        let mark = match (&r.outcome, &r.frame) {
            (Outcome::Failed(_), _) => " <span class=\"failed\">(failed)</span>".to_string(),
            (_, Some(f)) => format!(
                " <span class=\"verdict {}\" title=\"{}\">\u{25cf}</span>",
                verdict_class(f.verdict()),
                f.verdict().words()
            ),
            _ => String::new(),
        };
        html.push_str(&format!(
            "<li><a href=\"#{}\">{}</a>{mark}</li>\n",
            r.name,
            escape(&r.title)
        ));
    }
    html.push_str("<li><a href=\"#summary\">Summary</a></li></ol></nav>\n<main>\n<h1 id=\"top\">optilab: the lecture's studies</h1>\n");
    html.push_str(&format!(
        "<p class=\"run\">{} studies, {:.0} s in total: {}.</p>\n",
        reports.len(),
        total,
        escape(run_kind(reports)).replace('`', "")
    ));
    for r in reports {
        html.push_str(&section_html(r));
    }
    html.push_str("<section id=\"summary\"><h2>Summary</h2>\n<table><tr><th>study</th><th>claim</th><th>verdict</th></tr>\n");
    for r in reports {
        let (claim, verdict) = summary_row(r);
        html.push_str(&format!(
            "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td></tr>\n",
            r.name,
            escape(&r.title),
            escape(&claim),
            escape(&verdict)
        ));
    }
    html.push_str(&format!(
        "</table>\n</section>\n<footer><h2>Re-plotting</h2><p>Every figure is also written as <code>&lt;stem&gt;.json</code> beside its PNG and SVG (the figure itself: series, axes, scales, colours). To re-draw a line chart with matplotlib:</p>\n<pre>{}</pre></footer>\n</main>\n<script>{ONLY}</script></body></html>\n",
        escape(REPLOT)
    ));
    html
}

/// Writes `index.md` and `index.html` in `dir`, one section per report, with
/// its frame and figures inline (paths relative to `dir`: `<name>/<stem>.png`).
///
/// **Errors**: [`ExperimentsError::Io`] naming the file.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let r = experiments::report::Report::failed("x", "X", "§1", "boom");
/// experiments::report::write_index(dir.path(), &[r]).unwrap();
/// let html = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
/// assert!(html.contains("boom"));
/// ```
pub fn write_index(dir: &Path, reports: &[Report]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| ExperimentsError::io(dir, e))?;
    let total: f64 = reports.iter().map(|r| r.seconds).sum();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| ExperimentsError::io(&path, e))
    };
    write("index.md", &markdown(reports, total))?;
    write("index.html", &html(reports, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Source;

    fn framed(name: &str, passed: bool) -> Report {
        let mut r = Report::new(name, name.to_uppercase(), "Section 4");
        r.frame = Some(
            Frame::new(Source::Lecture, "Section 4", "claim", "exp", "look")
                .check("measured 3", passed),
        );
        r
    }

    #[test]
    fn the_page_has_a_summary_verdicts_and_back_links() {
        let reports = [framed("a", true), framed("b", false)];
        let page = html(&reports, 1.0);
        assert!(page.contains("id=\"summary\""));
        assert!(page.contains("<span class=\"verdict shown\">shown</span>"));
        assert!(page.contains("not shown at this size"));
        assert!(page.contains("experiments study b --full"));
        assert!(!page.contains("experiments study a --full"));
        assert_eq!(page.matches("back to top").count(), 2);
        assert!(page.contains("quick runs"));
        let md = markdown(&reports, 1.0);
        assert!(
            md.contains("| [B](#b) | claim | not shown at this size |"),
            "{md}"
        );
    }

    #[test]
    fn full_runs_do_not_suggest_full_runs() {
        let mut r = framed("c", false);
        r.full = true;
        let page = html(&[r], 1.0);
        assert!(!page.contains("--full</code>"));
        assert!(page.contains("full-size runs"));
    }
}
