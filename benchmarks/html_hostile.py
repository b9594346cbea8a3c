"""Hostile HTML pages: is reading them linear in their size?

Issue 13: a 300 KB page of unclosed ``<a`` tags took 48 s in the stdlib ``html.parser`` (its
search for the end of a start tag starts over at each ``<``). The reader is on selectolax
(lexbor) since issue 14; this prints, for each family of hostile markup, the time to read a
page of n, 2n and 4n copies and the ratio of each to the previous (about 2 is linear, about 4
quadratic). Timings go here and not into the tests: the machine is shared and noisy.

    python benchmarks/html_hostile.py [--size 300KB] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from cableparse.containers.htmlpage import read_html

_TABLE = ("<table class='cable'><tr><th>Reference ID</th><th>Created</th></tr>"
          "<tr><td>08X1</td><td>2008-01-15 18:06</td></tr></table>")
_CABLE = "<pre>R 011200Z JAN 08&#x000A;FM AMEMBASSY X</pre>\n<pre>UNCLAS X 000001&#x000A;&#x000A;1. T.</pre>\n"


def _page(tail: str) -> str:
    return f"<html><body><h3>Viewing cable 08X1, S</h3>{_TABLE}\n{_CABLE}{tail}"


# name -> (unit repeated n times, how to build the page around the repeats)
FAMILIES: dict[str, tuple[str, Callable[[str], str]]] = {
    "unclosed <a (no '>')": ("<a", lambda junk: _page("<pre>" + junk)),
    "unclosed <a followed by space": ("<a ", lambda junk: _page("<pre>x " + junk)),
    "<a inside an unterminated attribute": ("<a ", lambda junk: _page("<pre>x <a href='" + junk)),
    "unclosed paragraph anchors": ("<a id='par1' href='#par1'>¶1. T ", lambda junk: _page("<pre>" + junk)),
    "unclosed <pre (line marking)": ("<pre ", _page),
    "many <pre> blocks": ("<pre>x</pre>\n", _page),
    "newline references": ("&#x000A;", lambda junk: _page("<pre>UNCLAS X 1" + junk + "</pre>")),
    "nested <pre>": ("<pre>", _page),
    "nested <span> then as many </div>": ("<span>", lambda junk: _page(junk + "</div>" * (len(junk) // 6))),
    "nested <ul>": ("<ul>", _page),
    "unclosed <div (PlusD marking)": ("<div ", lambda junk: _page("<div class='text-content'>" + junk)),
}


def _size(text: str) -> int:
    units = {"KB": 1000, "MB": 1000**2, "B": 1}
    for suffix, factor in units.items():
        if text.upper().endswith(suffix):
            return int(float(text[: -len(suffix)]) * factor)
    return int(text)


def _best(page: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        read_html(page)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> None:
    """Print the reading time of each hostile family at n, 2n and 4n."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="300KB", help="size of the smallest page of each family (default 300KB)")
    parser.add_argument("--repeat", type=int, default=3, help="keep the fastest of this many runs")
    args = parser.parse_args(argv)
    size = _size(args.size)
    print(f"{'family':40s} {'size':>9s} {'ms':>9s} {'x prev':>7s}")
    for name, (unit, build) in FAMILIES.items():
        previous = None
        for factor in (1, 2, 4):
            page = build(unit * (size * factor // len(unit)))
            seconds = _best(page, args.repeat)
            ratio = f"{seconds / previous:7.2f}" if previous else ""
            print(f"{name:40s} {len(page) / 1000:7.0f}KB {seconds * 1000:9.1f} {ratio:>7s}")
            previous = seconds


if __name__ == "__main__":
    main()
