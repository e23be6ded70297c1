"""The wire contract: msgspec Structs for requests and responses. No I/O, no ledger imports."""
