"""Text helpers shared by the screens: dim-label/bold-value rows, joined lines, and a relayout-free update."""

from __future__ import annotations

from rich.text import Text


def label_value(*pairs: tuple[str, str | Text], gap: str = "  ") -> Text:
    """``label value  label value`` with dim labels (values are plain text, never markup)."""
    out = Text(no_wrap=True, overflow="ellipsis")
    for index, (label, value) in enumerate(pairs):
        if index:
            out.append(gap)
        if label:
            out.append(label + " ", style="dim")
        out.append(value if isinstance(value, Text) else Text(str(value), style="bold"))
    return out


def set_text(widget, content) -> None:
    """Replace a fixed-height Static's content without a relayout (skipped when unchanged)."""
    if widget.content is not content and widget.content != content:
        widget.update(content, layout=False)


def lines(*rows: Text) -> Text:
    """Join rows with newlines into one Text."""
    return Text("\n", no_wrap=True, overflow="ellipsis").join(rows)
