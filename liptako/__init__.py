"""Liptako."""
