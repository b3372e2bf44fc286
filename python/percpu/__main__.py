"""``python -m percpu ldgen|check ARGS...``: the two tools under one name."""

import sys

from ._cli import main

sys.exit(main())
