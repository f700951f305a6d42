"""The operator console: its logic and the PIN (no pygame here)."""
