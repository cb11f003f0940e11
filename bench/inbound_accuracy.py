"""How accurately incoming mail is classified, on the labelled corpus of real-world messages.

    python bench/inbound_accuracy.py [--corpus tests/data/inbound] [--misses]

For the tuning corpus, the held-out corpus (never tuned on) and both together: per category precision, recall and
the confusion table; the recipient named in detected bounces; hard/soft agreement where the bounce carries a real
status code; a reply's own words, exact after making every run of white space one space, and their mean
similarity (difflib ratio). --misses lists every message read wrongly.
"""

import argparse
from pathlib import Path

from aicmo.cam.inbox.accuracy import CATEGORIES, Figures, measure

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "inbound"


def report(title: str, figures: Figures) -> list[str]:
    """The printed lines for one corpus."""
    lines = [f"== {title}", f"  {'category':<11}{'n':>5}{'precision':>11}{'recall':>8}"]
    lines += [f"  {category:<11}{figures.count(category):>5}{figures.precision(category):>11.3f}"
              f"{figures.recall(category):>8.3f}" for category in CATEGORIES]
    lines.append("  confusion (rows: label, columns: read as)")
    lines.append("  " + " " * 11 + "".join(f"{category:>11}" for category in CATEGORIES))
    for want in CATEGORIES:
        lines.append(f"  {want:<11}" + "".join(f"{figures.confusion[(want, got)]:>11}" for got in CATEGORIES))
    lines += [
        f"  people's replies read as automatic: {figures.replies_read_as_automatic}; automatic messages read as"
        f" a person's reply: {figures.automatic_read_as_replies}",
        f"  bounce recipient right: {figures.recipient_right}/{figures.recipient_total}"
        f" = {figures.recipient_accuracy:.3f}",
        f"  hard/soft agreement (real status code): {figures.hardness_right}/{figures.hardness_total}"
        f" = {figures.hardness_agreement:.3f}",
        f"  reply text exact (white space collapsed): {figures.text_exact}/{len(figures.text_similarity)}"
        f" = {figures.text_exact_rate:.3f}, mean similarity {figures.text_mean_similarity:.3f}",
    ]
    return lines


def main() -> None:
    """Print the figures for the tuning corpus, the held-out corpus and both."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--misses", action="store_true", help="list every message read wrongly")
    options = parser.parse_args()
    for title, split in (("tuning", "tuning"), ("held-out", "heldout"), ("all", None)):
        figures = measure(options.corpus, split)
        print("\n".join(report(title, figures)))
        if options.misses and split is not None:
            print("\n".join(f"    miss: {line}" for line in figures.misses))


if __name__ == "__main__":
    main()
