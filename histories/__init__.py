"""History files shipped with Liptako: what was observed after a bundled scenario's start, for ``liptako evaluate``."""
