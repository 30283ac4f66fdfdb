"""`python -m bench.wiki_diff`: how long the diff of two 50 KB wiki revisions takes.

The wiki issue's target: the side-by-side diff of two 50 KB revisions renders in at most
200 ms. This times `wiki.diff.diff_blocks` plus rendering its rows the way
`templates/wiki/diff.html` does, for the shapes of change that cost the most: many small
edits, a rewrite of every paragraph, a single 50 KB paragraph with scattered edits, moved
paragraphs, and added and removed text. It needs no database. Prints the median and worst
wall time and the median CPU time of each case, and whether the worst case meets the
target (on wall time); exits 1 when it does not.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

from bench.targets import TARGETS

TARGET = TARGETS["wiki_diff_ms"]
SIZE = 50 * 1024

VOCABULARY = (
    "the team meets every monday to plan the sprint and review open tickets before lunch "
    "die abteilung pflegt das wiki und aktualisiert die anleitung nach jeder änderung "
    "deploy kubernetes cluster vpn access onboarding checklist laptop badge holiday request "
    "escalate incident postmortem runbook database backup restore certificate rotation"
)
WORDS = VOCABULARY.split()


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _paragraphs(rng: random.Random, size: int) -> list[str]:
    blocks: list[str] = []
    total = 0
    while total < size:
        kind = rng.random()
        text = " ".join(_sentence(rng, rng.randint(6, 16)) for _ in range(rng.randint(1, 4)))
        if kind < 0.1:
            block = f"<h2>{_sentence(rng, 4)}</h2>"
        elif kind < 0.3:
            items = "".join(f"<li>{_sentence(rng, rng.randint(4, 10))}</li>" for _ in range(4))
            block = f"<ul>{items}</ul>"
        else:
            block = f"<p>{text} <b>{rng.choice(WORDS)}</b> <i>{rng.choice(WORDS)}</i></p>"
        blocks.append(block)
        total += len(block)
    return blocks


def _edit_words(rng: random.Random, html: str, share: float) -> str:
    words = html.split(" ")
    for i in range(len(words)):
        if "<" not in words[i] and rng.random() < share:
            words[i] = rng.choice(WORDS)
    return " ".join(words)


def cases(seed: int = 7) -> dict[str, tuple[str, str]]:
    """Pairs of (old, new) rich text bodies of about 50 KB each."""
    rng = random.Random(seed)
    base = _paragraphs(rng, SIZE)
    small_edits = [_edit_words(rng, b, 0.03) if i % 3 == 0 else b for i, b in enumerate(base)]
    every_block = [_edit_words(rng, b, 0.25) for b in base]
    rewritten = _paragraphs(random.Random(seed + 1), SIZE)
    moved = base[len(base) // 2 :] + base[: len(base) // 2]
    one_old = "<p>" + " ".join(_sentence(rng, 12) for _ in range(SIZE // 90)) + "</p>"
    one_new = _edit_words(rng, one_old, 0.05)
    half = base[: len(base) // 2] + rewritten[: len(rewritten) // 2]
    return {
        "a third of the paragraphs edited": ("".join(base), "".join(small_edits)),
        "every paragraph edited (25% of words)": ("".join(base), "".join(every_block)),
        "everything rewritten": ("".join(base), "".join(rewritten)),
        "paragraphs moved": ("".join(base), "".join(moved)),
        "half removed, half added": ("".join(base), "".join(half)),
        "one 50 KB paragraph, 5% of words edited": (one_old, one_new),
        "from empty (first version)": ("", "".join(base)),
    }


ROWS_TEMPLATE = """{% for row in rows %}
  <div class="wiki-diff-row wiki-diff-{{ row.kind }} wiki-diff-tag-{{ row.tag }}">
    <div>{% if row.old %}{{ row.old }}{% endif %}</div>
    <div>{% if row.new %}{{ row.new }}{% endif %}</div>
  </div>{% endfor %}"""


def reference_ms(repeat: int) -> float:
    """A fixed pure-Python workload timed in the same run: each case is also printed as a
    ratio to it, which compares across busy and quiet machines (like `python -m bench`'s
    minimal view)."""
    times = []
    for _ in range(max(3, repeat)):
        start = time.perf_counter()
        sum(i * i for i in range(200_000))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(repeat: int) -> list[tuple[str, float, float, float, int]]:
    """Per case: median wall time, worst wall time, median CPU time of this process (which a
    busy shared machine inflates far less than wall time), size of the output."""
    from django.template import engines

    from wiki.diff import diff_blocks

    template = engines["django"].from_string(ROWS_TEMPLATE)
    results = []
    for name, (old, new) in cases().items():
        times, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            rows = diff_blocks(old, new)
            html = template.render({"rows": rows})
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        results.append(
            (name, statistics.median(times), max(times), statistics.median(cpu), len(html))
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wiki_diff", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (5)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    reference = reference_ms(args.repeat)
    results = measure(max(1, args.repeat))
    print(f"wiki diff of two {SIZE // 1024} KB revisions (target: {TARGET})")
    print(f"reference workload: {reference:.1f} ms")
    print("| case | median ms | max ms | CPU ms | × reference | output KB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, median, worst, cpu, size in results:
        ratio = median / reference if reference else 0.0
        print(
            f"| {name} | {median:.1f} | {worst:.1f} | {cpu:.1f} | {ratio:.1f} | {size / 1024:.0f} |"
        )
    worst_median = max(median for _, median, _, _, _ in results)
    verdict = "ok" if TARGET.met(worst_median) else "over"
    worst_cpu = max(cpu for _, _, _, cpu, _ in results)
    print(
        f"worst case median: {worst_median:.1f} ms (CPU {worst_cpu:.1f} ms): {verdict}"
        f" (target {TARGET})"
    )
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
