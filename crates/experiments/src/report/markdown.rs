//! The small Markdown subset the findings use, turned into HTML:
//! paragraphs, `**bold**`, `` `code` ``, `- ` lists, `|` tables and `> `
//! quotes.

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Minimal Markdown to HTML for findings: paragraphs, `**bold**`, `` `code` ``,
/// `- ` bullet lists and `|` tables.
pub(crate) fn markdown_to_html(md: &str) -> String {
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
        } else if lines.iter().all(|l| l.trim_start().starts_with('>')) {
            let inner: Vec<&str> = lines
                .iter()
                .map(|l| {
                    let l = l.trim_start().trim_start_matches('>');
                    l.strip_prefix(' ').unwrap_or(l)
                })
                .collect();
            html.push_str(&format!(
                "<blockquote>\n{}</blockquote>\n",
                markdown_to_html(&inner.join("\n"))
            ));
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
    fn quotes_become_blockquotes_with_their_own_markdown() {
        let html = markdown_to_html("> **Claim**: x\n>\n> - a\n> - b");
        assert!(html.contains("<blockquote>"), "{html}");
        assert!(html.contains("<strong>Claim</strong>"), "{html}");
        assert!(html.contains("<li>a</li>"), "{html}");
        assert!(!html.contains("&gt;"), "{html}");
    }

    #[test]
    fn html_is_escaped() {
        assert!(markdown_to_html("a < b").contains("a &lt; b"));
    }
}
