"""Read side: folds events into read tables, answers queries, writes exports."""
