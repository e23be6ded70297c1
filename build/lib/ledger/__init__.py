"""Write side of the ledger: rules that decide intents, the events they become, and the store.

Nothing here knows about HTTP. See ARCHITECTURE.md ("Top-level layout") for the layer rules.
"""
