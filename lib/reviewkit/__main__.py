"""`python -m reviewkit ...` runs the same command line as `reviewkit ...`."""

import sys

from reviewkit.cli import main

sys.exit(main())
