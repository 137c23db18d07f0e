"""All settings in one place, read from TRUSTSCREEN_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs


@dataclass(frozen=True, slots=True)
class Settings:
    # SQLAlchemy URL. TRUSTSCREEN_DB may be a URL (postgresql+psycopg://…) or a file path for SQLite.
    database_url: str
    # Base URLs for `lists update`; overridable so mirrors (or a local test server) can stand in.
    ofac_base_url: str
    csl_url: str
    un_url: str
    bis_dpl_url: str
    uk_conlist_url: str
    http_timeout_s: float


def database_url_from(value: str | None) -> str:
    if value:
        if "://" in value:
            return value
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    data_dir = Path(platformdirs.user_data_dir("trustscreen", appauthor=False))
    return f"sqlite:///{data_dir / 'trustscreen.db'}"


def load_settings() -> Settings:
    env = os.environ
    return Settings(
        database_url=database_url_from(env.get("TRUSTSCREEN_DB")),
        ofac_base_url=env.get("TRUSTSCREEN_OFAC_BASE_URL", "https://www.treasury.gov/ofac/downloads"),
        csl_url=env.get(
            "TRUSTSCREEN_CSL_URL",
            "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
        ),
        un_url=env.get("TRUSTSCREEN_UN_URL", "https://scsanctions.un.org/resources/xml/en/consolidated.xml"),
        bis_dpl_url=env.get("TRUSTSCREEN_BIS_DPL_URL", "https://www.bis.doc.gov/dpl/dpl.txt"),
        uk_conlist_url=env.get(
            "TRUSTSCREEN_UK_CONLIST_URL",
            "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
        ),
        http_timeout_s=float(env.get("TRUSTSCREEN_HTTP_TIMEOUT", "60")),
    )
