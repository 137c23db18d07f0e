"""YAML tables for trustscreen.text (legal forms, abbreviations, stopwords, name variants, surnames)."""
