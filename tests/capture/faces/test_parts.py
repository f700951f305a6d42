"""The named FaceMesh point sets in capture/faces/parts.py match the installed MediaPipe's own topology."""
from __future__ import annotations

from mediapipe.python.solutions import face_mesh_connections as conn

from capture.faces import parts


def _points(*sets: frozenset) -> tuple[int, ...]:
    return tuple(sorted({i for edges in sets for edge in edges for i in edge}))


def test_face_oval_is_mediapipes_silhouette_walked_from_the_forehead():
    oval = parts.face_oval_indices()
    assert oval[0] == parts.FOREHEAD and len(set(oval)) == len(oval)
    assert set(oval) == set(_points(conn.FACEMESH_FACE_OVAL))
    edges = {frozenset(e) for e in conn.FACEMESH_FACE_OVAL}
    assert all(frozenset((a, b)) in edges for a, b in zip(oval, oval[1:] + oval[:1]))


def test_eye_brow_and_lip_sets_are_mediapipes():
    right, left, lips = parts.face_part_indices()
    assert right == _points(conn.FACEMESH_RIGHT_EYE, conn.FACEMESH_RIGHT_EYEBROW)
    assert left == _points(conn.FACEMESH_LEFT_EYE, conn.FACEMESH_LEFT_EYEBROW)
    assert lips == _points(conn.FACEMESH_LIPS)
