"""Text handling: normalisation, scripts, transliteration, legal forms, phonetics. Knows nothing of lists."""
