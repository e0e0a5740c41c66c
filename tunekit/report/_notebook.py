"""A study in a notebook: its leaderboard as an HTML table (``Study._repr_html_``)."""

from __future__ import annotations

from html import escape

from tunekit.report._html import _table
from tunekit.report._leaderboard import LeaderboardInfo
from tunekit.report._tables import leaderboard_display


def leaderboard_html(info: LeaderboardInfo, title: str = "") -> str:
    """The leaderboard as an HTML fragment, every cell escaped, under an optional title."""
    heading = f"<p><strong>{escape(title)}</strong></p>" if title else ""
    return heading + _table(leaderboard_display(info))
