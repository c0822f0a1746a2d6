//! How to re-draw a figure from its JSON with matplotlib (shown in the
//! report's footer).

const SNIPPET: &str = r#"import json, math
import matplotlib.pyplot as plt

fig = json.load(open("loss.json"))  # any <stem>.json with "type": "line"
tab10 = plt.get_cmap("tab10").colors  # the same palette, by index
dash = {"solid": "-", "dashed": "--", "dotted": ":"}
num = lambda v: math.nan if v is None else v  # null = NaN/inf in the run
unit = lambda label, u: f"{label} ({u})" if u else label

ax = plt.figure(figsize=(9, 6)).gca()
for i, s in enumerate(fig["series"]):
    xs = [num(x) for x, _ in s["points"]]
    ys = [num(y) for _, y in s["points"]]
    color = tab10[(i if s["color"] is None else s["color"]) % 10]
    label = s["label"]
    if s["end"]:
        why = "diverged" if s["end"]["reason"] == "diverged" else "NaN"
        label += f' ({why} at step {s["end"]["step"]:g})'
    if s["style"] == "points":
        ax.plot(xs, ys, "o", color=color, label=label)
    else:
        marker = "o" if s["style"] == "line_points" else None
        ax.plot(xs, ys, dash[s["dash"]], marker=marker, color=color, label=label)
    if s["end"]:
        last = [(x, y) for x, y in zip(xs, ys) if math.isfinite(x) and math.isfinite(y)]
        if last:
            ax.plot(*last[-1], "x", color=color, markersize=10, mew=3)
    if s["band"]:
        bx, lo, hi = zip(*[[num(v) for v in b] for b in s["band"]])
        ax.fill_between(bx, lo, hi, color=color, alpha=0.18, lw=0)
ax.set_xscale(fig["x_scale"])
ax.set_yscale(fig["y_scale"])
if fig["x_range"]:
    ax.set_xlim(*fig["x_range"])
if fig["y_range"]:
    ax.set_ylim(*fig["y_range"])
ax.set_xlabel(unit(fig["x_label"], fig["x_unit"]))
ax.set_ylabel(unit(fig["y_label"], fig["y_unit"]))
ax.set_title(fig["title"])
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))  # outside the data
plt.tight_layout()
plt.show()
"#;

/// A short Python program that loads a line chart's `<stem>.json` and
/// re-draws it with matplotlib: log scales, `null` values as gaps, colours
/// by palette index (matplotlib's "tab10" is the same palette), dashes,
/// end markers and bands.
///
/// ```
/// let py = experiments::plot::matplotlib_snippet();
/// assert!(py.contains("import matplotlib.pyplot as plt") && py.contains("set_yscale"));
/// ```
pub fn matplotlib_snippet() -> &'static str {
    SNIPPET
}
