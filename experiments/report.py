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
p.headline { background: #f1f5fb; border-left: 4px solid #2f5fa7; padding: 0.6em 1em; }
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
    paragraphs = headline_sentences(manifest, tables)
    if paragraphs or lines:
        parts.append(f"<h3>Headline: what differs from {_e(base)}</h3>")
        parts += [f'<p class="headline">{_e(p)}</p>' for p in paragraphs]
    if lines:
        parts += ["<p>Each key outcome: the mean of the run-by-run differences (runs paired by seed) with its "
                  "bootstrap interval.</p>", "<ul>", *lines, "</ul>"]  # fmt: skip
    return parts


def _pct(x: float) -> str:
    """A share in percent, as a headline says it: 11%, 9.2%, 0.1%."""
    v = 100 * x
    return "–" if v != v else f"{v:.0f}%" if abs(v) >= 10 or v == 0 else f"{v:.1f}%"


def _span(months: int) -> str:
    return f"{months // 12} years" if months % 12 == 0 and months >= 24 else f"{months} months"


def _verdict(row) -> str:
    return ("a clear difference (its 95% interval excludes zero)" if row.clear
            else "too small for these runs to tell apart (its 95% interval includes zero)")  # fmt: skip


def headline_sentences(manifest: dict, tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """The headline of a comparison in plain words, one paragraph per what-if against the first scenario: how
    often a member leaves and the alliance dissolves, the member most affected, successful coups (and where
    they change most), territory and honoured calls, each with its 95% interval and whether the difference is
    clear. Read from the ``headline`` and ``per_state`` tables of :mod:`.analysis`."""
    table = tables.get("headline")
    if table is None or not len(table):
        return []
    per_state = tables.get("per_state")
    specs = {s["scenario"]["name"]: s["scenario"] for s in manifest["experiment"].get("scenarios") or []}
    base = manifest["scenarios"][0]
    span = _span(int(manifest["experiment"]["months"]))
    out = []
    for name, rows in table.groupby("scenario", sort=False):
        got = {r.measure: r for r in rows.itertuples(index=False)}
        title = specs.get(name, {}).get("title") or name
        words = [f"What if: {title} ({name})? Against {base}, over {int(rows['runs'].iloc[0]):,} pairs of runs of "
                 f"{span} that share their seeds,"]  # fmt: skip
        if (r := got.get("member_leaves")) is not None:
            points = abs(100 * r.difference)
            more = "more" if r.difference > 0 else "fewer"
            words.append(f"a member leaves the alliance in {_pct(r.value)} of runs (95% interval {_pct(r.low)} to "
                         f"{_pct(r.high)}) against {_pct(r.base)} ({_pct(r.base_low)} to {_pct(r.base_high)}), "
                         f"{points:.1f} percentage points {more} (95% interval {100 * r.diff_low:+.1f} to "
                         f"{100 * r.diff_high:+.1f}): {_verdict(r)}.")  # fmt: skip
        words += _state_sentences(per_state, name, base)
        if (r := got.get("dissolves")) is not None:
            if r.value == 0 and r.base == 0:
                words.append(f"The alliance dissolves in none of the runs of either (at most {_pct(r.high)}, "
                             "95% interval).")  # fmt: skip
            else:
                words.append(f"The alliance dissolves in {_pct(r.value)} of runs against {_pct(r.base)} "
                             f"({'clear' if r.clear else 'not clear'}).")  # fmt: skip
        if (r := got.get("coup_successes")) is not None:
            words.append(f"Successful coups in the region: {r.value:.2f} per run against {r.base:.2f} "
                         f"({r.difference:+.2f}, 95% interval {r.diff_low:+.2f} to {r.diff_high:+.2f}; "
                         f"{'clear' if r.clear else 'not clear'}).")  # fmt: skip
        if (r := got.get("peak_territory")) is not None:
            words.append(f"At their peak the insurgents contest {_pct(r.value)} of the founding members' "
                         f"territory against {_pct(r.base)} ({100 * r.difference:+.1f} points, 95% interval "
                         f"{100 * r.diff_low:+.1f} to {100 * r.diff_high:+.1f}; "
                         f"{'clear' if r.clear else 'not clear'}).")  # fmt: skip
        if (r := got.get("honour_rate")) is not None and r.value == r.value and r.base == r.base:
            words.append(f"Allies honour {_pct(r.value)} of their answers to calls for help against "
                         f"{_pct(r.base)} ({'clear' if r.clear else 'not clear'}).")  # fmt: skip
        out.append(" ".join(words))
    out.append("How sure: each share comes with its 95% Wilson interval over the runs, each mean and difference "
               "with a 95% bootstrap interval; a difference is clear when its interval excludes zero. The runs "
               "share their seeds across scenarios, so differences are measured run by run, with less noise than "
               "two separate samples would give. These are the model's answers, as good as the model.")  # fmt: skip
    return out


def _country(iso: str) -> str:
    from liptako.model.geography import COUNTRIES

    return COUNTRIES[iso].name if iso in COUNTRIES else iso


def _state_sentences(per_state: pd.DataFrame | None, name: str, base: str) -> list[str]:
    """The founding member whose chance of leaving changes most, and the one whose chance of a successful coup
    does, with their Wilson intervals and when it happens (the median date)."""
    if per_state is None or not len(per_state):
        return []
    founders = per_state[per_state["member at start"]]
    share = next((c for c in founders.columns if c.startswith("P(leaves")), None)
    a = founders[founders["scenario"] == name].set_index("state")
    b = founders[founders["scenario"] == base].set_index("state").reindex(a.index)
    if share is None or not len(a):
        return []
    out = []
    change = (a[share] - b[share]).abs()
    if change.max() > 0:
        iso = change.idxmax()
        when = a.loc[iso, "leaves: median date"]
        out.append(f"{_country(iso)} changes most: it leaves in {_pct(a.loc[iso, share])} of runs "
                   f"({_pct(a.loc[iso, 'leaves: low'])} to {_pct(a.loc[iso, 'leaves: high'])}) against "
                   f"{_pct(b.loc[iso, share])}"
                   + (f" (median date of leaving: {when})." if isinstance(when, str) else "."))  # fmt: skip
    coup = (a["P(successful coup)"] - b["P(successful coup)"]).abs()
    if coup.max() > 0:
        iso = coup.idxmax()
        when = a.loc[iso, "first coup: median date"] if "first coup: median date" in a.columns else None
        out.append(f"{_country(iso)} has a successful coup in {_pct(a.loc[iso, 'P(successful coup)'])} of runs "
                   f"({_pct(a.loc[iso, 'coup: low'])} to {_pct(a.loc[iso, 'coup: high'])}) against "
                   f"{_pct(b.loc[iso, 'P(successful coup)'])}"
                   + (f" (median date of the first: {when})." if isinstance(when, str) else "."))  # fmt: skip
    return out


def _heading(manifest: dict) -> str:
    """The page's heading: for a comparison of scenarios, the what-if in words (the other scenarios' titles,
    against the first); otherwise the experiment's name."""
    names = manifest.get("scenarios") or []
    titles = {s["scenario"]["name"]: s["scenario"].get("title") or s["scenario"]["name"]
              for s in manifest["experiment"].get("scenarios") or []}  # fmt: skip
    if len(names) < 2:
        return manifest["experiment"]["name"]
    return "What if: " + "; ".join(titles.get(n, n) for n in names[1:]) + f"? Against {names[0]}"


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
    discovery: Sequence[str] = (),
) -> str:
    """The report's HTML text (with a section against the record when ``evaluation`` is given, and the HTML
    lines ``discovery`` of scenario discovery, :func:`.discovery.report_section`)."""
    e = manifest["experiment"]
    name = e["name"]
    subtitle = "Liptako experiment report: an agent-based model of the Alliance des États du Sahel"
    heading = _heading(manifest)
    if heading != name:
        subtitle += f" (results folder {name})"
    parts = _page_head(heading, "Liptako experiment report", subtitle)
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
    parts += discovery  # --- scenario discovery (`liptako discover`; experiments/discovery.py) ---
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
    from .discovery import report_section  # --- scenario discovery, if `liptako discover` ran on the folder ---

    discovery = report_section(folder, html_table)
    page = render(res.manifest, res.runs, tables, plotted, evaluation, chart, discovery=discovery)
    atomic_write_bytes(path, page.encode("utf-8"))
    return path
