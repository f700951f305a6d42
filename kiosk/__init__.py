"""The idphoto application: state machine, views, records store and the `idphoto` command."""
