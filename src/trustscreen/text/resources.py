"""Loading of the YAML tables that ship in trustscreen.data.text."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_table(name: str) -> Any:
    """Parsed YAML file `name` from trustscreen/data/text; read once per process (tables are static)."""
    text = resources.files("trustscreen.data.text").joinpath(name).read_text("utf-8")
    return yaml.safe_load(text)
