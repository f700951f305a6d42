"""One module per family of measurements. Each takes a FaceContext and returns a small dataclass of values."""
