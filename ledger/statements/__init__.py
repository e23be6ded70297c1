"""Bank statement files (camt.05x, MT940, CSV) read into rows for the import."""
