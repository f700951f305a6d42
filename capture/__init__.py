"""The capture engine: camera sources, landmarks, measurements, gates, crop and encode. No UI here."""
