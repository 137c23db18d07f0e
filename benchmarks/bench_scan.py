"""Free-text scanning speed and quality on a generated corpus (not a test: prints one JSON object).

    .venv/bin/python benchmarks/bench_scan.py [--data ../shared/data] [--docs 40] [--words 5000] [--names 300]

1. Lists: the bundled curated lists plus the UN consolidated list (../shared/data/un/UN_consolidated.xml)
   in memory (no store), one Screener, one Scanner (build time reported apart).
2. Corpus: long documents of ordinary business-news prose generated from a fixed vocabulary of common
   English words plus the words that make a false-hit test meaningful: China, network, technology,
   Telecom, mobile, cloud, soul, cubic, free, fire, clean, master, … and capitalised names that are
   not listed (Cisco, Nokia, Hangzhou, Tianjin, John Miller, Ahmed Hassan …). Headlines are in Title
   Case, so everyday-word names meet capital letters.
3. Positive documents embed `--names` mentions of listed names with realistic variants: as written,
   title case (UN names are upper case in the list), upper case, a line-break hyphen inside a word,
   one-letter typo (swap or drop) in a long word, a one-word name split in two ("Tik-Tok",
   "Tik Tok"), persons without middle names. Names a reader could not tell from ordinary words
   (one everyday word, two letters, one-word persons, weak aliases) are embedded only with context
   ("the Soul app"), as a scanner must require.
4. A hit is right when it overlaps an embedded span and names an entity listed under that name
   (any list). Span recall = embedded spans found; precision = distinct hit spans that are right;
   false hits per 10,000 words are counted on documents with no embedded name.
5. Speed: MB/s and documents/s of `Scanner.scan` on one core (this process), after a warm-up pass.

Fixed seed: every run generates the same corpus.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trustscreen.matching import Screener
from trustscreen.matching.weights import prior_weight
from trustscreen.model import Entity, EntityKind, NameKind
from trustscreen.scanning.lexicon import is_common_word
from trustscreen.scanning.phrases import STRONG_WEIGHT
from trustscreen.scanning.scanner import PERSON_MIN_WEIGHT, Hit, Scanner
from trustscreen.sources import curated, un_xml
from trustscreen.text.normalize import normalize
from trustscreen.text.stopwords import PERSON_TITLES

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


COMMON = _words(
    """the of and to a in that is was for on it with as be at by this had not are but from or have an they which
one you were her all she there would their we him been has when who will more no if out so said what up its about
into than them can only other new some could time these two may then do first any my now such like our over man me
even most made after also did many before must through back years where much your way well down should because each
just those people how too little state good very make world still own see men work long get here between both life
being under never day same another know while last might us great old year off come since against go came right used
take three states himself few house use during without again place around however home small found thought went say
part once general high upon school every does got united left number course war until always away something fact
though water less public put think almost hand enough far took head yet government system better set told nothing
night end why called didnt eyes find going look asked later knew point next program city business give group toward
young days let room president side social given present several order national possible rather second face per among
form important often things looking early white case john become large big need four within felt along children saw
best church ever least power development light thing seemed family interest want members mind country area others
done turned although open god service problem certain kind different thus began door help means sense whole matter
perhaps itself york times law human line above name example action company hands local show whether five history gave
today either act feet across taken past quite anything seen having death week experience body word half really field
am car words already themselves information tell together college shall money period held keep sure real probably free
seems political cannot behind miss question air office making brought whose special heard major problems ago became
federal moment study available known result street economic boy position reason change south board individual job
society areas west close turn love community true court force full seem policy wife future age wanted voice center
woman common necessary father sound market contract supplier suppliers invoice payment shipment delivery quarter
report annual revenue growth export imports customs review audit meeting agreement signed partner partners network
technology technologies telecom mobile cloud data security software hardware devices device chips chip components
equipment camera cameras drone drones satellite cable cables servers server storage memory battery batteries energy
solar phones phone users app apps platform platforms service services digital online internet broadband wireless fiber
operators operator carrier carriers investment investors shares stock bank banks finance financial trade trading
sanctions controls regulation regulators compliance risk risks licence licenses license rules soul cubic fire clean
master super legends space parallel wonder sweet selfie rush chess kings date live video status lite wallet cashier
explorer file saver recorder browser news mail music player launcher survival valor arena lost crusade knives hunter
cyber dual conquer global dimensions strategy analytics forum halifax federal defense space missiles engineering
brown sky rudder stick enterprises industries insights memory shipping nuclear power railway construction ocean
electronics marine information science laboratory academy military medical sciences"""
)

PROPER = _words(
    "China Chinese India Russia Japan Korea Germany France Brazil Canada Mexico Europe Asia Africa America "
    "Beijing Shanghai Shenzhen Hangzhou Tianjin Wuxi Ningbo Hefei Zhejiang Mumbai Delhi Moscow Washington "
    "London Tokyo Seoul Singapore Dubai Cisco Nokia Ericsson Apple Google Microsoft Samsung Intel Oracle Sony "
    "Toyota Walmart Vodafone Orange Verizon Siemens Amazon Reuters Bloomberg Congress Parliament Commerce "
    "Treasury Telecom Mobile Network Technology Cloud Global Strategy Forum Monday Tuesday Friday January March"
)
PEOPLE = _words(
    "John Miller|Mary Johnson|Robert Brown|Linda Davis|Michael Wilson|Sarah Taylor|David Anderson|Wei Zhang|"
    "Li Na|Chen Jie|Raj Kumar|Priya Singh|Ahmed Hassan|Fatima Ali|Omar Khan|Peter Schmidt|Anna Kowalski|"
    "Carlos Garcia|Maria Lopez|James Lee|Kelly Craft|Kim Min",
    "|",
)
# "Kelly Craft" is listed (cn-countermeasures:craft): in the negative corpus it would be a right hit.
PEOPLE.remove("Kelly Craft")
HEADLINE_WORDS = [*[w for w in COMMON if len(w) > 3][:400], "China", "Network", "Technology", "Telecom", "Soul", "Free"]

TEMPLATES = {
    "org": [
        "The company signed a supply contract with {X} in the second quarter.",
        "Analysts said {X} would report lower revenue this year.",
        "Our audit found three invoices from {X} that were paid late.",
        "A spokesperson for {X} did not answer questions about the shipment.",
        "Shares of {X} fell after the new export controls were announced.",
    ],
    "app": [
        "Many users downloaded the {X} app on their phones last year.",
        "The {X} app was removed from the store after the order.",
        "Regulators asked why the {X} application collected location data.",
    ],
    "person": [
        "{X} said the measures would hurt trade between the two countries.",
        "The report quotes {X} at length on the sanctions program.",
        "In a meeting with {X}, the delegation discussed the contract.",
    ],
}


@dataclass(frozen=True)
class Embedded:
    start: int
    end: int
    text: str
    entity_id: str
    variant: str


def load_entities(data: Path) -> list[Entity]:
    entities = [e for parsed in curated.parse_bundle() for e in parsed.entities]
    un_path = data / "un" / "UN_consolidated.xml"
    if un_path.is_file():
        entities += list(un_xml.parse(un_path).entities)
    return entities


def candidate_names(entities: list[Entity]) -> list[tuple[Entity, str, bool]]:
    """(entity, name, needs context) for every Latin non-weak name a reader would recognise as a name."""
    out = []
    for entity in entities:
        for name in entity.names:
            odd = any(c in name.value for c in ":,()/")  # list notation ("MAKENGA, Sultani"), not prose
            if name.kind is NameKind.WEAK_ALIAS or (name.script or "Latn") != "Latn" or odd:
                continue
            words = normalize(name.value).split()
            if not words or len(words) > 6:
                continue
            if entity.kind is EntityKind.PERSON and not _two_name_parts(name.value):
                continue
            everyday = all(is_common_word(w) or len(w) <= 2 for w in words)
            if len(words) == 1 and len(words[0]) <= 2:
                continue
            out.append((entity, name.value, everyday or (len(words[0]) <= 3 and len(words) == 1)))
    return out


def title_case(name: str) -> str:
    """UN names are upper case in the list; prose writes them in title case (acronyms stay)."""
    if name.isupper() and (" " in name or len(name) > 4):
        return " ".join(w.capitalize() for w in name.split())
    return name


def _two_name_parts(written: str) -> bool:
    """The scanner's rule for persons: two written parts, weighing at least one full and one common
    part, titles aside ("Mullah Bhattvi" and "Ahmed Mohammad" are not enough by design)."""
    parts = [w for w in normalize(written).split() if w not in PERSON_TITLES]
    weights = sorted((prior_weight(w) for w in parts if len(w) >= 2), reverse=True)
    return len(weights) >= 2 and weights[0] >= STRONG_WEIGHT and sum(weights) >= PERSON_MIN_WEIGHT


def variant(name: str, rng: random.Random, person: bool) -> tuple[str, str]:
    """(written form, variant label)."""
    name = title_case(name)
    words = name.split()
    short = f"{words[0]} {words[-1]}" if len(words) >= 3 else ""
    if person and short and rng.random() < 0.4 and _two_name_parts(short):
        return short, "no middle name"
    roll = rng.random()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if roll < 0.3:
        return name, "as listed"
    if roll < 0.4:
        return name.upper(), "upper case"
    if roll < 0.55 and len(word) >= 6 and word.isalpha():
        cut = rng.randint(3, len(word) - 3)
        words[longest] = word[:cut] + "-\n" + word[cut:]
        return " ".join(words), "line-break hyphen"
    if roll < 0.75 and len(word) >= 6 and word.isalpha():
        i = rng.randint(1, len(word) - 3)
        typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :] if rng.random() < 0.5 else word[:i] + word[i + 1 :]
        words[longest] = typo
        return " ".join(words), "typo"
    if roll < 0.9 and len(words) == 1 and len(word) >= 6:
        upper_inside = [i for i, c in enumerate(word) if c.isupper() and i > 0]
        cut = upper_inside[0] if upper_inside else len(word) // 2
        sep = rng.choice(["-", " "])
        return word[:cut] + sep + (word[cut:] if upper_inside else word[cut:].capitalize()), "split word"
    return name, "as listed"


def sentence(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(8, 20)):
        roll = rng.random()
        if roll < 0.06:
            words.append(rng.choice(PROPER))
        elif roll < 0.075:
            words.append(rng.choice(PEOPLE))
        else:
            words.append(rng.choice(COMMON))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "?", ";", ","]).replace(",", ".")


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 7)))


def headline(rng: random.Random) -> str:
    return "## " + " ".join(w.capitalize() for w in rng.sample(HEADLINE_WORDS, rng.randint(3, 7)))


def wrap(text: str, width: int = 78) -> str:
    """Hard-wrap prose like a plain-text e-mail, keeping embedded line breaks."""
    lines: list[str] = []
    for block in text.split("\n"):
        line = ""
        for word in block.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "\n".join(lines)


def document(
    rng: random.Random, words: int, mentions: list[tuple[Entity, str, bool]], *, wrapped: bool
) -> tuple[str, list[Embedded]]:
    """A long document; `mentions` are embedded one per paragraph, spread over the whole text.
    Wrapped documents are hard-wrapped at 78 columns like plain-text e-mail, so names cross lines."""
    blocks: list[str] = []
    embedded: list[Embedded] = []
    count = 0
    pending = list(mentions)
    paragraphs = max(1, words // 70)
    every = max(1, paragraphs // (len(mentions) + 1)) if mentions else 0
    index = 0
    while count < words:
        block = headline(rng) if rng.random() < 0.12 else paragraph(rng)
        if pending and not block.startswith("#") and index % every == 0:
            entity, name, needs_context = pending.pop()
            written, label, template = mention(rng, entity, name, needs_context)
            before, after = template.split("{X}")
            block = f"{block} {before}{written}{after}"
            embedded.append(Embedded(0, 0, written, entity.id, label))
        index += 1
        blocks.append(wrap(block) if wrapped and not block.startswith("#") else block)
        count += len(block.split())
    text = "\n\n".join(blocks) + "\n"
    return text, _locate(text, embedded)


def mention(rng: random.Random, entity: Entity, name: str, needs_context: bool) -> tuple[str, str, str]:
    """(written name, variant label, sentence template)."""
    kind = "person" if entity.kind is EntityKind.PERSON else "app" if entity.kind is EntityKind.APP else "org"
    if not needs_context:
        written, label = variant(name, rng, kind == "person")
        return written, label, rng.choice(TEMPLATES[kind])
    if kind == "app":
        return title_case(name), "with context", TEMPLATES["app"][1]
    if kind == "person":
        return title_case(name), "with context", TEMPLATES["person"][0]
    return title_case(name), "with context", "The contract names {X} Corporation as the supplier."


def _locate(text: str, embedded: list[Embedded]) -> list[Embedded]:
    located = []
    position = 0
    for item in embedded:
        # Wrapping may have turned a space inside the name into a line break.
        pattern = re.compile(r"\s+".join(re.escape(part) for part in item.text.split(" ")))
        found = pattern.search(text, position)
        if found is None:
            raise RuntimeError(f"embedded name {item.text!r} not found in the generated text")
        located.append(Embedded(found.start(), found.end(), found.group(0), item.entity_id, item.variant))
        position = found.end()
    return located


def acceptable_ids(entities: list[Entity]) -> dict[str, set[str]]:
    """Entity id → ids of every entity sharing one of its names (Huawei is on five lists)."""
    by_name: dict[str, set[str]] = {}
    for entity in entities:
        for name in entity.names:
            by_name.setdefault(normalize(name.value), set()).add(entity.id)
    out: dict[str, set[str]] = {}
    for entity in entities:
        ids = {entity.id}
        for name in entity.names:
            ids |= by_name[normalize(name.value)]
        out[entity.id] = ids
    return out


def evaluate(
    hits: list[Hit], truth: list[Embedded], accept: dict[str, set[str]]
) -> tuple[int, int, int, list[dict[str, Any]], list[dict[str, Any]]]:
    """(embedded spans found with a right entity, hit spans overlapping an embedded span, hit spans,
    misses, hit spans overlapping nothing embedded)."""
    found = 0
    misses = []
    for item in truth:
        good = [h for h in hits if h.start < item.end and item.start < h.end and h.entity.id in accept[item.entity_id]]
        if good:
            found += 1
        else:
            misses.append({"text": item.text, "entity_id": item.entity_id, "variant": item.variant})
    spans = {(h.start, h.end): h for h in hits}
    right = {key for key in spans if any(key[0] < t.end and t.start < key[1] for t in truth)}
    wrong = [
        {"text": h.text, "entity_id": h.entity.id, "score": h.score} for key, h in spans.items() if key not in right
    ]
    return found, len(right), len(spans), misses, wrong


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--docs", type=int, default=40, help="positive and negative documents, each")
    parser.add_argument("--words", type=int, default=5000, help="words per document")
    parser.add_argument("--names", type=int, default=300, help="embedded mentions over all positive documents")
    parser.add_argument("--seed", type=int, default=20260227)
    parser.add_argument("--errors", type=int, default=20, help="misses and wrong hits to show")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    entities = load_entities(args.data)
    started = time.perf_counter()
    screener = Screener((None, e) for e in entities)
    scanner = Scanner(screener)
    build_s = time.perf_counter() - started

    names = candidate_names(entities)
    chosen = rng.sample(names, min(args.names, len(names)))
    per_doc = [chosen[i :: args.docs] for i in range(args.docs)]
    positives = [document(rng, args.words, mentions, wrapped=i % 2 == 1) for i, mentions in enumerate(per_doc)]
    negatives = [document(rng, args.words, [], wrapped=i % 2 == 1)[0] for i in range(args.docs)]
    texts = [t for t, _ in positives] + negatives

    for text in texts[:2]:
        scanner.scan(text)  # warm-up: lexicon, caches
    started = time.perf_counter()
    results = [scanner.scan(text) for text in texts]
    scan_s = time.perf_counter() - started

    accept = acceptable_ids(entities)
    found = right = spans = 0
    misses: list[dict[str, Any]] = []
    wrong: list[dict[str, Any]] = []
    total = 0
    for (_text, truth), hits in zip(positives, results[: args.docs], strict=True):
        f, r, s, m, w = evaluate(hits, truth, accept)
        found, right, spans, total = found + f, right + r, spans + s, total + len(truth)
        misses += m
        wrong += w
    negative_hits = [h for hits in results[args.docs :] for h in hits]
    negative_spans = {(i, h.start, h.end) for i, hits in enumerate(results[args.docs :]) for h in hits}
    negative_words = sum(len(t.split()) for t in negatives)
    size = sum(len(t.encode("utf-8")) for t in texts)
    by_variant: dict[str, list[int]] = {}
    missed_keys = {(m["text"], m["entity_id"]) for m in misses}
    for _text, truth in positives:
        for item in truth:
            slot = by_variant.setdefault(item.variant, [0, 0])
            slot[1] += 1
            slot[0] += (item.text, item.entity_id) not in missed_keys
    print(
        json.dumps(
            {
                "entities": len(entities),
                "patterns": len(scanner.phrases.patterns),
                "build_s": round(build_s, 2),
                "documents": len(texts),
                "words": sum(len(t.split()) for t in texts),
                "megabytes": round(size / 1e6, 2),
                "scan_s": round(scan_s, 2),
                "mb_per_s": round(size / 1e6 / scan_s, 2),
                "docs_per_s": round(len(texts) / scan_s, 1),
                "embedded": total,
                "span_recall": round(found / total, 4) if total else None,
                "span_precision": round(right / spans, 4) if spans else None,
                "recall_by_variant": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_variant.items())},
                "negative_words": negative_words,
                "negative_hit_spans": len(negative_spans),
                "negative_hits": len(negative_hits),
                "false_hits_per_10k_words": round(len(negative_spans) / negative_words * 10_000, 3),
                "misses": misses[: args.errors],
                "wrong_in_positive": wrong[: args.errors],
                "negative_examples": [
                    {"text": h.text, "entity_id": h.entity.id, "score": h.score} for h in negative_hits[: args.errors]
                ],
                "seed": args.seed,
                "python": sys.version.split()[0],
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
