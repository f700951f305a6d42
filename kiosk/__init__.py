"""The idphoto application: state machine, views, records store and the `idphoto` command."""
import os

# pygame prints a greeting on import; every module here that imports pygame does so after this package is loaded
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
