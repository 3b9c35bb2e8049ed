"""Partnership Strategy Review: the library behind the review notebooks.

Every rule the notebooks apply lives here, so it is written once and tested.
"""

__version__ = "0.1.0"
