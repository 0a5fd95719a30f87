"""Jejaring collectors: configuration, platform collectors, the store and the refresh command."""
