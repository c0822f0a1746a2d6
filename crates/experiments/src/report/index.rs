//! `results/index.md` and `results/index.html`: every study with its finding
//! and figures inline.

use std::path::Path;

use super::study::{Outcome, Report};
use crate::error::{ExperimentsError, Result};

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Which run the study's folder comes from (`, run 2025-05-01T12:00:00Z`).
fn run_note(r: &Report) -> String {
    match (&r.outcome, &r.run) {
        (Outcome::Completed, Some(run)) => format!(", run {run}"),
        (Outcome::Failed(_), Some(run)) => format!("; its folder keeps the results of run {run}"),
        _ => String::new(),
    }
}

/// Minimal Markdown to HTML for findings: paragraphs, `**bold**`, `` `code` ``,
/// `- ` bullet lists and `|` tables.
fn markdown_to_html(md: &str) -> String {
    let inline = |line: &str| {
        let mut out = String::new();
        let (mut bold, mut code) = (false, false);
        let mut chars = escape(line)
            .chars()
            .peekable()
            .collect::<Vec<_>>()
            .into_iter()
            .peekable();
        while let Some(c) = chars.next() {
            if c == '`' {
                out.push_str(if code { "</code>" } else { "<code>" });
                code = !code;
            } else if c == '*' && chars.peek() == Some(&'*') && !code {
                chars.next();
                out.push_str(if bold { "</strong>" } else { "<strong>" });
                bold = !bold;
            } else {
                out.push(c);
            }
        }
        out
    };
    let mut html = String::new();
    for block in md.split("\n\n") {
        let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            continue;
        }
        if lines.iter().all(|l| l.trim_start().starts_with('|')) {
            html.push_str("<table>\n");
            for l in lines.iter().filter(|l| !l.contains("---")) {
                let cells: Vec<String> = l
                    .trim()
                    .trim_matches('|')
                    .split('|')
                    .map(|c| format!("<td>{}</td>", inline(c.trim())))
                    .collect();
                html.push_str(&format!("<tr>{}</tr>\n", cells.concat()));
            }
            html.push_str("</table>\n");
        } else if lines.iter().all(|l| l.trim_start().starts_with("- ")) {
            html.push_str("<ul>\n");
            for l in lines {
                html.push_str(&format!(
                    "<li>{}</li>\n",
                    inline(l.trim_start().trim_start_matches("- "))
                ));
            }
            html.push_str("</ul>\n");
        } else {
            html.push_str(&format!("<p>{}</p>\n", inline(&lines.join(" "))));
        }
    }
    html
}

/// Writes `index.md` and `index.html` in `dir`, one section per report, with
/// its figures inline (paths relative to `dir`: `<name>/<stem>.png`).
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
    let mut md = format!(
        "# optilab: the lecture's studies\n\n{} studies, {:.0} s in total.\n\n",
        reports.len(),
        total
    );
    let mut html = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>optilab studies</title>\n<style>body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em;line-height:1.45}img{max-width:100%;border:1px solid #ddd}figure{margin:1.2em 0}figcaption{color:#555;font-size:.9em}.failed{color:#b00}table{border-collapse:collapse}td{border:1px solid #ccc;padding:.2em .5em}code{background:#f4f4f4}nav li{margin:.15em 0}</style></head><body>\n<h1>optilab: the lecture's studies</h1>\n",
    );
    html.push_str(&format!(
        "<p>{} studies, {:.0} s in total.</p>\n<nav><ol>\n",
        reports.len(),
        total
    ));
    for r in reports {
        let status = match &r.outcome {
            Outcome::Completed => String::new(),
            Outcome::Failed(_) => " <span class=\"failed\">(failed)</span>".into(),
        };
        html.push_str(&format!(
            "<li><a href=\"#{}\">{}</a>{status}</li>\n",
            r.name,
            escape(&r.title)
        ));
        md.push_str(&format!(
            "- [{}]({}/README.md){}\n",
            r.title,
            r.name,
            if status.is_empty() { "" } else { " (failed)" }
        ));
    }
    html.push_str("</ol></nav>\n");
    md.push('\n');
    for r in reports {
        let run = run_note(r);
        md.push_str(&format!(
            "## {}\n\n*Lecture {}, `{}`, {:.1} s{run}.*\n\n",
            r.title, r.section, r.name, r.seconds
        ));
        html.push_str(&format!(
            "<section id=\"{}\"><h2>{}</h2>\n<p><em>Lecture {}, <code>{}</code>, {:.1} s{}. <a href=\"{}/README.md\">details</a></em></p>\n",
            r.name,
            escape(&r.title),
            escape(&r.section),
            r.name,
            r.seconds,
            escape(&run),
            r.name
        ));
        if let Outcome::Failed(e) = &r.outcome {
            md.push_str(&format!("**Failed:** `{e}`\n\n"));
            html.push_str(&format!(
                "<p class=\"failed\"><strong>Failed:</strong> <code>{}</code></p>\n",
                escape(e)
            ));
        }
        md.push_str(r.finding.trim_end());
        md.push_str("\n\n");
        html.push_str(&markdown_to_html(&r.finding));
        for f in &r.figures {
            md.push_str(&format!("![{}]({}/{}.png)\n\n", f.caption, r.name, f.stem));
            html.push_str(&format!(
                "<figure><img src=\"{0}/{1}.png\" alt=\"{2}\"><figcaption>{2} (<a href=\"{0}/{1}.svg\">SVG</a>)</figcaption></figure>\n",
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
        html.push_str("</section>\n");
    }
    html.push_str("</body></html>\n");
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| ExperimentsError::io(&path, e))
    };
    write("index.md", &md)?;
    write("index.html", &html)
}

#[cfg(test)]
mod tests {
    use super::markdown_to_html;

    #[test]
    fn findings_render_bold_code_lists_and_tables() {
        let html = markdown_to_html(
            "GD took **420** steps at `lr=0.1`.\n\n- a\n- b\n\n| k | n |\n|---|---|\n| 1 | 2 |",
        );
        assert!(html.contains("<strong>420</strong>"));
        assert!(html.contains("<code>lr=0.1</code>"));
        assert!(html.contains("<li>a</li>"));
        assert!(html.contains("<td>1</td><td>2</td>"));
        assert!(!html.contains("---"));
    }

    #[test]
    fn html_is_escaped() {
        assert!(markdown_to_html("a < b").contains("a &lt; b"));
    }
}
