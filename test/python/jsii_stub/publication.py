"""Offline stand-in for the ``publication`` package (test use only).

The generated jsii modules call ``publication.publish()`` at the end of every
``__init__``; the real package only hides the module's non-``__all__`` names
from ``dir()``/autocompletion, so a no-op keeps the behaviour we test.
"""

__version__ = "0.0.0+offline-stub"


def publish() -> None:
    return None
