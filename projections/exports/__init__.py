"""Export files: DATEV-Format and its checker."""
