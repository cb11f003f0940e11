"""How well the classifier reads a labelled corpus of real mail: per-category precision and recall, the recipient
of each bounce, hard or soft where a real status code exists, and a reply's own words.

The corpus is a folder with MANIFEST.toml: one [[message]] per file with its `split`, `category`, and where known
`recipient` (any listed address is right), `hard` and `reply_text`.
"""

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from aicmo.cam.inbox.classify import classify
from aicmo.cam.inbox.events import InboundEvent, InboundKind

CATEGORIES = ("bounce", "complaint", "auto_reply", "reply", "other")
AUTOMATIC = ("bounce", "complaint", "auto_reply")
_CATEGORY_OF = {InboundKind.BOUNCE: "bounce", InboundKind.COMPLAINT: "complaint", InboundKind.AUTO_REPLY: "auto_reply",
                InboundKind.REPLY: "reply", InboundKind.UNSUBSCRIBE: "reply"}


@dataclass(frozen=True)
class Label:
    file: str
    split: str
    category: str
    recipients: tuple[str, ...] = ()
    hard: bool | None = None
    reply_text: str | None = None


@dataclass
class Figures:
    """What one run over (part of) the corpus measured."""

    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, read) -> count
    recipient_right: int = 0
    recipient_total: int = 0
    hardness_right: int = 0
    hardness_total: int = 0
    text_exact: int = 0
    text_similarity: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)  # one line per message read wrongly, for the operator

    def precision(self, category: str) -> float:
        read = sum(count for (_, got), count in self.confusion.items() if got == category)
        return self.confusion[(category, category)] / read if read else 1.0

    def recall(self, category: str) -> float:
        expected = sum(count for (want, _), count in self.confusion.items() if want == category)
        return self.confusion[(category, category)] / expected if expected else 1.0

    def count(self, category: str) -> int:
        return sum(count for (want, _), count in self.confusion.items() if want == category)

    @property
    def replies_read_as_automatic(self) -> int:
        return sum(self.confusion[("reply", got)] for got in AUTOMATIC)

    @property
    def automatic_read_as_replies(self) -> int:
        return sum(self.confusion[(want, "reply")] for want in AUTOMATIC)

    @property
    def recipient_accuracy(self) -> float:
        return self.recipient_right / self.recipient_total if self.recipient_total else 1.0

    @property
    def hardness_agreement(self) -> float:
        return self.hardness_right / self.hardness_total if self.hardness_total else 1.0

    @property
    def text_exact_rate(self) -> float:
        return self.text_exact / len(self.text_similarity) if self.text_similarity else 1.0

    @property
    def text_mean_similarity(self) -> float:
        return sum(self.text_similarity) / len(self.text_similarity) if self.text_similarity else 1.0


def load_labels(corpus: Path) -> list[Label]:
    """The labels in the corpus's MANIFEST.toml, in file order."""
    with (corpus / "MANIFEST.toml").open("rb") as manifest:
        entries = tomllib.load(manifest)["message"]
    return [Label(entry["file"], entry["split"], entry["category"], tuple(entry.get("recipient", ())),
                  entry.get("hard"), entry.get("reply_text")) for entry in entries]


def category_of(event: InboundEvent) -> str:
    """The corpus category an event falls in: a request to be removed is a person's reply, a success report other."""
    return _CATEGORY_OF.get(event.kind, "other")


def normalised(text: str) -> str:
    """Text with every run of white space (line breaks and non-breaking spaces too) made one space."""
    return " ".join(text.split())


def measure(corpus: Path, split: str | None = None) -> Figures:
    """Classify every labelled message of the split (all when None) and compare with its label."""
    figures = Figures()
    for label in load_labels(corpus):
        if split is None or label.split == split:
            _score(figures, label, classify((corpus / label.file).read_bytes()))
    return figures


def _score(figures: Figures, label: Label, event: InboundEvent) -> None:
    got = category_of(event)
    figures.confusion[(label.category, got)] += 1
    if got != label.category:
        figures.misses.append(f"{label.file}: {label.category} read as {got} ({event.detail})")
    if label.category == "bounce" and got == "bounce":
        if label.recipients:
            figures.recipient_total += 1
            right = (event.address or "") in label.recipients
            figures.recipient_right += right
            if not right:
                figures.misses.append(f"{label.file}: recipient {event.address} (want {', '.join(label.recipients)})")
        if label.hard is not None:
            figures.hardness_total += 1
            figures.hardness_right += event.hard is label.hard
            if event.hard is not label.hard:
                figures.misses.append(f"{label.file}: hard={event.hard} (want {label.hard}, {event.status_code})")
    if label.reply_text is not None:
        want, have = normalised(label.reply_text), normalised(event.text or "")
        figures.text_exact += want == have
        figures.text_similarity.append(SequenceMatcher(None, want, have).ratio())
        if want != have:
            figures.misses.append(f"{label.file}: reply text {have[:80]!r} (want {want[:80]!r})")
