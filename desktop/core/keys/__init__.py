"""The profile's keys: a random database key, wrapped by the passphrase and by a printed recovery key.

``wrap`` holds the primitives (key derivation and RFC 3394 key wrapping), ``recovery`` the recovery key's
written form, ``sheet`` the printed recovery sheet. The store (desktop.core.store.db, .meta) keeps the
wrapped keys in profile.json and swaps the database over to a new key when an older profile is converted.
"""
