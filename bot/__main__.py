"""`python -m bot ...` is the `beslut` console script."""
import sys

from bot.compose import main

sys.exit(main())
