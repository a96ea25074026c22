"""The app's country card: one state's regime (its leader and kind, since when), legitimacy, coup risk, army
cohesion, territory contested, blocs, and its money this month by source, read from the model's agents."""

from __future__ import annotations

from html import escape

from liptako.agents import State
from liptako.experiments.figstyle import SOURCE_COLOURS
from liptako.model.scenario import format_month

SOURCE_NAMES = {"domestic": "its own budget", "allies": "allies (with their troops)"}


def regime_line(state: State) -> str:
    """Who rules, and since when: "Ibrahim Traoré (military, since 2022-09)"."""
    regime = state.regime
    since = f", since {format_month(regime.took_power)}" if regime.took_power is not None else ""
    return f"{regime.leader} ({regime.kind}{since})"


def funding_rows(state: State) -> list[tuple[str, float, float]]:
    """This month's money by source: (source, USD M, share of the total), largest first."""
    funding = state.funding
    total = sum(funding.values())
    rows = sorted(funding.items(), key=lambda item: -item[1])
    return [(source, amount, amount / total if total else 0.0) for source, amount in rows]


def country_card_html(state: State, started: bool = True) -> str:
    """The card as HTML: a table of the state's figures and a bar per funding source (coup risk and money are
    computed by the first month: before it, ``started`` is false and the card says so)."""
    regime = state.regime
    figures = [
        ("Regime", regime_line(state)),
        ("Legitimacy", f"{regime.legitimacy:.2f} (0-1)"),
        ("Coup risk", f"{regime.coup_risk * 100:.2f}% per month" if started else "from the first month"),
        ("Army cohesion", f"{regime.cohesion:.2f} (0-1)"),
        ("Territory contested", f"{state.territory:.0%}"),
        ("Successful coups so far", f"{state.coup_successes}"),
        ("Member of", ", ".join(state.blocs) or "no bloc"),
    ]
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in figures)
    bars = []
    for source, amount, share in funding_rows(state):
        name = SOURCE_NAMES.get(source, source)
        colour = SOURCE_COLOURS.get(source, "#999")
        bars.append(f'<tr><th>{escape(name)}</th><td><span class="bar" style="width: {share * 55:.0f}%; '
                    f'background: {colour}"></span> {amount:,.1f} ({share:.0%})</td></tr>')  # fmt: skip
    money = (
        "".join(bars) or f'<tr><td colspan="2">{"no money this month" if started else "from the first month"}</td></tr>'
    )
    return (f'<div class="liptako-country-card"><h3>{escape(state.name)}</h3><table>{rows}</table>'
            f"<h4>Money this month by source (USD M)</h4><table>{money}</table></div>")  # fmt: skip


CARD_CSS = """
.liptako-country-card h3 { margin: 4px 0 6px; font-size: 20px; }
.liptako-country-card h4 { margin: 10px 0 4px; font-size: 16px; }
.liptako-country-card table { border-collapse: collapse; width: 100%; font-size: 15px; }
.liptako-country-card th { text-align: left; font-weight: normal; color: #444; padding: 2px 10px 2px 0;
                           white-space: nowrap; width: 1%; }
.liptako-country-card td { padding: 2px 0; }
.liptako-country-card .bar { display: inline-block; height: 12px; min-width: 2px;
                             vertical-align: middle; }
"""

__all__ = ["CARD_CSS", "country_card_html", "funding_rows", "regime_line"]
