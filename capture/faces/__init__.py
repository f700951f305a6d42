"""Faces: the MediaPipe models (landmarks.py, the only MediaPipe import), named landmark sets and head geometry."""
