"""Command-line shell (Typer + Rich)."""
