"""`python -m reviewkit ...` runs the same command line as `reviewkit ...`."""

import sys

from reviewkit.run.cli import main

sys.exit(main())
