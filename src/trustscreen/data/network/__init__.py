"""YAML tables for trustscreen.assets.network (who operates each carrier / cloud prefix table)."""
