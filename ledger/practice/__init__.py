"""The accounting-practice layer (issue 9): partner firms and their client entities, time
entries, engagements and their tasks, billing time into the firm's books, report links.

Its facts are events of their own streams; the only thing that reaches a journal is the
invoice billed from time, through the ledger's own invoice-and-booking decision.
"""
