"""The invoice inbox: mail in, attachments kept as documents, extracted, matched, checked."""
