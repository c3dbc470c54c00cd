"""Benchmark of the dossier at 1,000 to 100,000 quotes: synthetic seeds, queries, and runner."""
