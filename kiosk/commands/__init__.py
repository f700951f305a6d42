"""The `idphoto` command: one module per subcommand."""
