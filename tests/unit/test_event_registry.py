"""Every event the ledger can record can also be read back: a class missing from the decoder
would make its tenant's state unloadable after a restart, and a rebuild impossible."""

from __future__ import annotations

from ledger import events


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_every_event_class_is_in_the_decoder():
    missing = sorted(
        c.__name__ for c in _subclasses(events.Event) - set(events.LedgerEvent.__args__)
    )
    assert missing == []


def test_every_topic_is_unique():
    assert len(set(events.LEDGER_TOPICS)) == len(events.LEDGER_TOPICS)
