"""``python -m liptako.lessons [ID ...]``: run lessons and print their figures and paragraphs."""

import sys

from liptako.lessons import main

sys.exit(main())
