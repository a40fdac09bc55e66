"""CareWatch shared core: the wire protocol, file records, store contract and settings.

Everything else in the project imports from here; this package imports nothing of ours.
"""

__version__ = "0.1.0"
