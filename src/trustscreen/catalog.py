"""Getting lists into the store: load a file, load the bundled curated lists, download official lists."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import httpx
import yaml

from trustscreen import sources
from trustscreen.errors import ConfigError, SourceError, TrustscreenError
from trustscreen.settings import Settings
from trustscreen.store import LoadResult, Store
from trustscreen.store.db import content_hash

# Official lists are a few MB to ~100 MB; anything far larger is a wrong URL or a hostile server.
MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024


def load_path(
    store: Store,
    path: Path,
    fmt: str | None = None,
    *,
    as_of: str | None = None,
    mapping: str | None = None,
    list_id: str | None = None,
) -> LoadResult:
    """Parse fully first, then write in one transaction: a bad file never touches the store."""
    if fmt == "custom-csv" or mapping is not None:
        from trustscreen.sources import custom_csv

        parsed = custom_csv.parse(path, custom_csv.parse_mapping(mapping) if mapping else None, list_id)
    else:
        if list_id is not None:
            raise ConfigError("--list-id applies only to --format custom-csv (official lists have fixed ids)")
        parsed = sources.parse(path, fmt)
    if as_of:
        parsed = dataclasses.replace(parsed, info=dataclasses.replace(parsed.info, as_of=as_of))
    return store.load(parsed)


def ensure_curated(store: Store) -> list[LoadResult]:
    """Load the bundled curated lists; a no-op for every file whose bytes are already stored."""
    from trustscreen.sources import curated

    paths = curated.bundle_paths()
    if all(store.has_content(content_hash(curated.FORMAT, [str(p)])) for p in paths):
        return []
    return [store.load(parsed) for parsed in curated.parse_bundle()]


@dataclass(frozen=True, slots=True)
class OfficialSource:
    list_id: str
    title: str
    format: str
    base: str
    files: tuple[str, ...]

    def urls(self, settings: Settings) -> list[tuple[str, str]]:
        """(file name, URL) pairs. A single-file source's setting is the full URL of that file."""
        base_url = getattr(settings, self.base)
        if len(self.files) == 1:
            return [(self.files[0], base_url)]
        return [(name, f"{base_url.rstrip('/')}/{name}") for name in self.files]


@cache
def official_sources() -> dict[str, OfficialSource]:
    text = resources.files("trustscreen.data.reference").joinpath("official_sources.yaml").read_text("utf-8")
    table = yaml.safe_load(text)
    return {
        list_id: OfficialSource(list_id, spec["title"], spec["format"], spec["base"], tuple(spec["files"]))
        for list_id, spec in table.items()
    }


@dataclass(frozen=True, slots=True)
class UpdateOutcome:
    list_id: str
    result: LoadResult | None
    error: str | None


def update(
    store: Store,
    settings: Settings,
    list_ids: list[str] | None = None,
    *,
    on_progress: Callable[[str, int, int | None], None] | None = None,
) -> list[UpdateOutcome]:
    """Download each official list and load it. One list failing does not stop the others."""
    known = official_sources()
    wanted = list_ids or list(known)
    unknown = [list_id for list_id in wanted if list_id not in known]
    if unknown:
        raise ConfigError(f"unknown official list(s) {', '.join(unknown)}; known: {', '.join(known)}")
    outcomes = []
    with httpx.Client(timeout=settings.http_timeout_s, follow_redirects=True) as client:
        for list_id in wanted:
            source = known[list_id]
            try:
                with tempfile.TemporaryDirectory(prefix="trustscreen-") as tmp:
                    folder = Path(tmp)
                    for name, url in source.urls(settings):
                        _download(client, url, folder / name, on_progress)
                    target = folder if len(source.files) > 1 else folder / source.files[0]
                    result = load_path(store, target, source.format)
                outcomes.append(UpdateOutcome(list_id, result, None))
            except (TrustscreenError, httpx.HTTPError) as exc:
                outcomes.append(UpdateOutcome(list_id, None, str(exc)))
    return outcomes


def _download(
    client: httpx.Client,
    url: str,
    target: Path,
    on_progress: Callable[[str, int, int | None], None] | None,
) -> None:
    with client.stream("GET", url) as response:
        if response.status_code != 200:
            raise SourceError(url, f"download failed: HTTP {response.status_code}; expected 200")
        total = int(response.headers["content-length"]) if "content-length" in response.headers else None
        received = 0
        with target.open("wb") as out:
            for chunk in response.iter_bytes():
                received += len(chunk)
                if received > MAX_DOWNLOAD_BYTES:
                    raise SourceError(url, f"download larger than {MAX_DOWNLOAD_BYTES} bytes; refusing")
                out.write(chunk)
                if on_progress:
                    on_progress(target.name, received, total)
