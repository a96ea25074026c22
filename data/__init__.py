"""Data files shipped with Liptako (country outlines for maps) and the fixed geography of the region."""
