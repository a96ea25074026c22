"""One self-contained HTML page about an experiment's results folder, to read in a browser or send by mail.

The page holds the experiment's description and design, the counts, root seed and package version, every
analysis table and every plot; figures are embedded as base64 PNG ``data:`` URIs and the style sheet is
inline, so the file needs nothing else (no scripts, no external links). The same folder gives the same bytes:
plots and tables are deterministic and the page carries the folder's creation time, not the report's.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from . import analysis as an
from .explots import Plotted, figures
from .store import MANIFEST, atomic_write_bytes

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330;
       max-width: 1180px; margin: 2em auto; padding: 0 1.2em; }
h1 { font-size: 1.7em; margin-bottom: 0.1em; }
h2 { border-bottom: 1px solid #d8dde6; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.05em; margin: 1.6em 0 0.3em; }
.subtitle { color: #5a6375; margin-top: 0; }
.note { color: #5a6375; font-size: 0.9em; margin: 0.2em 0 0.5em; }
.warning { background: #fff4e0; border-left: 4px solid #e67e22; padding: 0.6em 1em; }
table { border-collapse: collapse; font-size: 0.86em; margin: 0.3em 0 1em; }
th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e5e8ee; text-align: left; vertical-align: top; }
th { background: #f3f5f9; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.facts th { background: none; width: 13em; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e5e8ee; }
figcaption { color: #3d4556; font-size: 0.92em; margin-top: 0.4em; }
nav ul { columns: 2; }
code { background: #f3f5f9; padding: 0 0.25em; border-radius: 3px; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def html_table(frame: pd.DataFrame, css: str = "") -> str:
    """A DataFrame as an HTML table: cells formatted like the Markdown tables, numbers right-aligned."""
    cells = an.formatted(frame)
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    cls = [' class="num"' if n else "" for n in numeric]
    head = "".join(f"<th{c}>{_e(col)}</th>" for col, c in zip(frame.columns, cls, strict=True))
    body = "\n".join(
        "<tr>" + "".join(f"<td{c}>{_e(v)}</td>" for v, c in zip(row, cls, strict=True)) + "</tr>"
        for row in cells.itertuples(index=False)
    )
    attr = f' class="{css}"' if css else ""
    return f"<table{attr}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _vary_text(v: dict) -> str:
    if "values" in v:
        return "values " + ", ".join(f"{x:g}" for x in v["values"])
    text = f"{v['low']:g} to {v['high']:g}"
    return text + " (whole numbers)" if v.get("integer") else text


def _facts(manifest: dict, runs: pd.DataFrame) -> str:
    """The experiment at a glance: design, sizes, seed, version."""
    e = manifest["experiment"]
    design = manifest["design"]
    size = {
        "grid": f"{manifest['points']:,} grid points" if manifest["points"] > 1 else "one parameter point",
        "lhs": f"Latin hypercube of {e['samples']:,} points",
        "sobol": f"Saltelli sample, base size N = {e['samples']:,} ({manifest['points']:,} points)",
        "morris": f"{e['samples']:,} Morris trajectories on {e['levels']} levels ({manifest['points']:,} points)",
    }[design]
    rows = [
        ("Design", f"{design}: {size}"),
        ("Scenarios", ", ".join(manifest["scenarios"])),
        ("Replications", f"{e['replications']:,} per point and scenario (common random numbers)"),
        ("Horizon", f"{e['months']:,} months"),
        ("Runs", f"{len(runs):,} finished of {manifest['runs']:,}"),
        ("Root seed", str(manifest["root_seed"])),
        ("Liptako version", str(manifest.get("liptako_version", "?"))),
        ("Created", str(manifest.get("created", "?"))),
        ("Fingerprint", str(manifest.get("fingerprint", "?"))),
    ]
    body = "\n".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f'<table class="facts">\n{body}\n</table>'


def _parameters(manifest: dict) -> str:
    vary = manifest["experiment"]["vary"]
    if not vary:
        return ""
    fixed = all(len(v.get("values", [])) == 1 for v in vary)  # overrides of a replications run, not a sweep
    frame = pd.DataFrame({"parameter": [v["parameter"] for v in vary], "value" if fixed else "varied over": [
        f"{v['values'][0]:g}" if fixed else _vary_text(v) for v in vary]})  # fmt: skip
    return f"<h3>{'Parameters set' if fixed else 'Parameters varied'}</h3>\n" + html_table(frame)


def _event_text(event: dict) -> str:
    """One scenario event in words: its date, type and the fields it sets."""
    fields = ", ".join(f"{k} {_list(v)}" for k, v in event.items() if k not in ("date", "type") and v not in
                       (None, [], {}, ""))  # fmt: skip
    return f"{event['date']}: {event['type'].replace('_', ' ')}" + (f" ({fields})" if fields else "")


def _list(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def what_if(manifest: dict, tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """The report's opening: each scenario's title, description and dated events, then, for a comparison, a
    headline in plain words: each outcome's run-by-run difference from the first scenario with its 95% interval,
    and whether the interval excludes zero."""
    specs = manifest["experiment"].get("scenarios") or []
    if not specs:
        return []
    parts = ['<h2 id="what-if">The scenarios</h2>']
    for spec in specs:
        head = spec["scenario"]
        parts.append(f"<h3>{_e(head.get('title') or head['name'])} <code>{_e(head['name'])}</code></h3>")
        parts += [f"<p>{_e(p.strip())}</p>" for p in str(head.get("description", "")).split("\n\n") if p.strip()]
        events = spec.get("events") or []
        if events:
            parts.append("<ul>" + "".join(f"<li>{_e(_event_text(ev))}</li>" for ev in events) + "</ul>")
        else:
            parts.append('<p class="note">No dated events: the scenario as it starts.</p>')
    if len(manifest["scenarios"]) < 2:
        return parts
    base = manifest["scenarios"][0]
    lines = []
    for key, table in tables.items():
        if not key.startswith("compare_"):
            continue
        outcome = key.removeprefix("compare_")
        for row in table.itertuples(index=False):
            if row.scenario == base or row.difference != row.difference:
                continue
            sure = ("clear: the interval excludes zero" if row.low > 0 or row.high < 0
                    else "not clear: the interval includes zero, so these runs cannot tell the two apart")  # fmt: skip
            lines.append(f"<li><b>{_e(row.scenario)}</b>: {_e(an.label(outcome))} changes by "
                         f"{row.difference:+.3g} on average (95% interval {row.low:.3g} to {row.high:.3g}; "
                         f"{sure}).</li>")  # fmt: skip
    if lines:
        parts += [f"<h3>Headline: what differs from {_e(base)}</h3>",
                  "<p>Each figure is the mean of the run-by-run differences (runs paired by seed) with its "
                  "bootstrap interval.</p>", "<ul>", *lines, "</ul>"]  # fmt: skip
    return parts


def _png_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


EVALUATION = "evaluation.json"  # written by `liptako evaluate`; a folder holding one gets its section


def evaluation_section(evaluation: dict, chart: Path | None) -> list[str]:
    """The report's section on the model against the record: the history, the summary scores, the table of
    observations and the reliability and PIT chart (see :mod:`.evaluation`)."""
    h, s = evaluation["history"], evaluation["summary"]
    parts = [
        '<h2 id="against-the-record">Against the record</h2>',
        f"<p><b>{_e(h['title'])}</b> (history <code>{_e(h['name'])}</code>, scenario <code>{_e(h['scenario'])}"
        f"</code>{'; source: ' + _e(h['source']) if h.get('source') else ''}): {s['observations']} observations "
        f"scored against {s['reps']:,} replications (seed {s['seed']}).</p>",
    ]
    facts = {
        "Coverage of the central 50% / 80% / 90% intervals": " / ".join(
            f"{s[f'coverage{k}']:.2f}" for k in (50, 80, 90)
        ),
    }
    if s.get("brier") is not None:
        skill = "n/a" if s["brier_skill"] is None else f"{s['brier_skill']:+.2f}"
        facts["Brier score (reference; skill)"] = f"{s['brier']:.3f} ({s['brier_reference']:.3f}; {skill})"
        facts["Mean log score"] = f"{s['log_score']:.2f}"
    parts.append(html_table(pd.DataFrame({"": list(facts), "value": list(facts.values())}), css="facts"))
    rows = []
    for r in evaluation["observations"]:
        observed = ", ".join(r["observed"]) if isinstance(r["observed"], list) else r["observed"]
        rows.append({"observation": r["id"], "window": r["window"], "observed": observed, "median": r["median"],
                     "80% interval": f"{r['low80']:,.6g} to {r['high80']:,.6g}",
                     "inside 80%": "yes" if r["inside80"] else "no",
                     "P(observed)": _round(r["p_observed"], 3), "PIT": _round(r["pit"], 2),
                     "Brier": _round(r["brier"], 3)})  # fmt: skip
    parts.append(html_table(pd.DataFrame(rows)))
    if chart is not None and chart.exists():
        caption = (
            "Left: reliability of the yes/no facts (forecast probability against how often the fact held; the "
            "diagonal is perfect). Right: PIT histogram (flat for a calibrated forecast)."
        )
        parts.append(f'<figure id="fig-evaluation">\n<img src="{_png_uri(chart)}" alt="{_e(caption)}">\n'
                     f"<figcaption>{_e(caption)}</figcaption>\n</figure>")  # fmt: skip
    return parts


def _round(x: float | None, digits: int) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _page_head(title: str, kind: str, subtitle: str) -> list[str]:
    """The opening of a self-contained page: head with the inline style sheet, heading and subtitle."""
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head>\n<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)} — {kind}</title>",
        f"<style>{STYLE}</style>\n</head>\n<body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="subtitle">{_e(subtitle)}</p>',
    ]


def render_evaluation(evaluation: dict, chart: Path | None) -> str:
    """A report of a folder written by ``liptako evaluate`` alone."""
    head = _page_head(evaluation["history"]["title"], "Liptako evaluation",
                      "Liptako: the model's forecasts scored against what was observed")  # fmt: skip
    return "\n".join([*head, *evaluation_section(evaluation, chart), "</body>\n</html>\n"])


def render(
    manifest: dict,
    runs: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    plotted: Sequence[Plotted],
    evaluation: dict | None = None,
    chart: Path | None = None,
) -> str:
    """The report's HTML text (with a section against the record when ``evaluation`` is given)."""
    e = manifest["experiment"]
    name = e["name"]
    subtitle = "Liptako experiment report: an agent-based model of the Alliance des États du Sahel"
    parts = _page_head(name, "Liptako experiment report", subtitle)
    description = e.get("description", "").strip()
    if description == "replications":  # the experiment behind `liptako run A B --reps N`
        description = (
            f"{' and '.join(manifest['scenarios'])}, {e['replications']:,} replications each over {e['months']:,} "
            "months, with common random numbers: replication i uses the same seed in every scenario, so "
            "differences between scenarios are compared run by run."
        )
    parts += [f"<p>{_e(p.strip())}</p>" for p in description.split("\n\n") if p.strip()]
    if len(runs) < manifest["runs"]:
        parts.append(f'<p class="warning">Only {len(runs):,} of {manifest["runs"]:,} runs are finished: the sweep '
                     "was interrupted or is still running; run it again to finish it. Tables and plots cover the "
                     "finished runs.</p>")  # fmt: skip
    parts += what_if(manifest, tables)
    parts += ["<h2>Overview</h2>", _facts(manifest, runs), _parameters(manifest)]
    toc = [f'<li><a href="#fig-{_e(p.name)}">{_e(p.title)}</a></li>' for p in plotted]
    toc += [f'<li><a href="#table-{_e(k)}">{_e(t.attrs.get("title", k))}</a></li>' for k, t in tables.items()]
    parts += ["<nav><h3>Contents</h3><ul>", *toc, "</ul></nav>"]

    parts.append("<h2>Figures</h2>")
    for p in plotted:
        parts.append(f'<figure id="fig-{_e(p.name)}">\n<img src="{_png_uri(p.png)}" alt="{_e(p.caption)}">\n'
                     f"<figcaption>{_e(p.caption)}</figcaption>\n</figure>")  # fmt: skip

    parts.append("<h2>Tables</h2>")
    for key, frame in tables.items():
        parts.append(f'<h3 id="table-{_e(key)}">{_e(frame.attrs.get("title", key))}</h3>')
        if frame.attrs.get("note"):
            parts.append(f'<p class="note">{_e(frame.attrs["note"])}</p>')
        parts.append(html_table(frame))
    if evaluation is not None:
        parts += evaluation_section(evaluation, chart)
    parts += [
        "<h2>Files</h2>",
        "<p>The results folder holds every run (<code>runs/</code>, <code>series/</code>, Parquet), these tables "
        "as CSV and Markdown (<code>analysis/</code>) and the figures as PNG and SVG (<code>plots/</code>).</p>",
        "</body>\n</html>\n",
    ]
    return "\n".join(parts)


def write_report(folder: str | Path, outcomes: Sequence[str] = an.KEY_OUTCOMES) -> Path:
    """Analyse the folder (tables to ``DIR/analysis/``), draw its plots (``DIR/plots/``) and write
    ``DIR/report.html``; returns the report's path. A folder holding ``evaluation.json`` (from ``liptako
    evaluate``) gets a section against the record; a folder holding only that, a report of it alone."""
    import json

    folder = Path(folder)
    evaluation = json.loads((folder / EVALUATION).read_text()) if (folder / EVALUATION).exists() else None
    chart = folder / "evaluation.png"
    if evaluation is not None and not (folder / MANIFEST).exists():
        path = folder / "report.html"
        atomic_write_bytes(path, render_evaluation(evaluation, chart).encode("utf-8"))
        return path
    res = an.open_results(folder)
    if not len(res.runs):
        raise ValueError(f"{folder}: no finished runs yet")
    tables = an.analyses(res, outcomes)
    an.write_tables(folder, tables)
    plotted = figures(folder, outcomes, results=res, tables=tables)
    path = folder / "report.html"
    atomic_write_bytes(path, render(res.manifest, res.runs, tables, plotted, evaluation, chart).encode("utf-8"))
    return path
