"""``python -m liptako`` runs the command line."""

from liptako.cli import main

raise SystemExit(main())
