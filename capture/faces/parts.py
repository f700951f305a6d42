"""Named point sets of the MediaPipe FaceMesh (478 points: the 468-point mesh, then 10 iris points), declared once.

Indices follow MediaPipe's canonical face model. "Right" and "left" are the subject's own: the subject's right eye is
on the image left of an unmirrored photo. Contours are listed in drawing order. The face oval and the eye/brow/lip
outlines used for masking come from MediaPipe's own connection tables (`face_oval_indices`, `face_part_indices`).
"""
from __future__ import annotations


#: points of the mesh proper; 468..477 are the iris points
MESH_POINTS = 468

# --- the midline, top to bottom -------------------------------------------------------------------------------
FOREHEAD = 10  # upper forehead (top of the face oval)
MID_FOREHEAD = 151  # middle of the forehead, between the brows and the hairline
NOSE_TIP = 1
SUBNASALE = 2  # base of the nose
UPPER_LIP_TOP = 0  # top of the upper lip (outer contour)
UPPER_INNER_LIP_MID = 13  # middle of the upper lip's inner edge
LOWER_INNER_LIP_MID = 14  # middle of the lower lip's inner edge
LOWER_LIP_BOTTOM = 17  # bottom of the lower lip (outer contour)
CHIN = 152  # bottom of the face oval

# --- the face's sides -----------------------------------------------------------------------------------------
CHEEK_RIGHT = 234  # face-oval extreme at ear level, image left
CHEEK_LEFT = 454  # face-oval extreme at ear level, image right
#: face-oval points from the temple down to the jaw, image left (subject's right), through CHEEK_RIGHT
FACE_CONTOUR_RIGHT = (21, 162, 127, CHEEK_RIGHT, 93, 132, 58, 172)
#: the same on image right (subject's left), through CHEEK_LEFT
FACE_CONTOUR_LEFT = (251, 389, 356, CHEEK_LEFT, 323, 361, 288, 397)
#: cheek points below the eyes, beside the nose (clear of brows, lips and beard): both sides' skin reference
CHEEKS = (50, 280, 205, 425, 117, 346)

# --- eyes -----------------------------------------------------------------------------------------------------
RIGHT_EYE_OUTER, RIGHT_EYE_INNER = 33, 133
LEFT_EYE_OUTER, LEFT_EYE_INNER = 263, 362
#: eyelid contours, inner corner → outer corner
RIGHT_UPPER_LID = (RIGHT_EYE_INNER, 173, 157, 158, 159, 160, 161, 246, RIGHT_EYE_OUTER)
RIGHT_LOWER_LID = (RIGHT_EYE_INNER, 155, 154, 153, 145, 144, 163, 7, RIGHT_EYE_OUTER)
LEFT_UPPER_LID = (LEFT_EYE_INNER, 398, 384, 385, 386, 387, 388, 466, LEFT_EYE_OUTER)
LEFT_LOWER_LID = (LEFT_EYE_INNER, 382, 381, 380, 374, 373, 390, 249, LEFT_EYE_OUTER)
#: eye-opening contours: outer corner → upper lid → inner corner → lower lid
RIGHT_EYE_RING = tuple(reversed(RIGHT_UPPER_LID)) + RIGHT_LOWER_LID[1:-1]
LEFT_EYE_RING = tuple(reversed(LEFT_UPPER_LID)) + LEFT_LOWER_LID[1:-1]
#: upper/lower lid points facing each other across the opening
RIGHT_LID_PAIRS = ((161, 163), (160, 144), (159, 145), (158, 153), (157, 154))
LEFT_LID_PAIRS = ((388, 390), (387, 373), (386, 374), (385, 380), (384, 381))
#: iris centres and the four points on each iris edge
IRIS_RIGHT = 468
IRIS_LEFT = 473
RIGHT_IRIS_RING = (469, 470, 471, 472)
LEFT_IRIS_RING = (474, 475, 476, 477)
#: skin below each eye, clear of where most spectacle lenses sit
RIGHT_UNDER_EYE_CHEEK = (50, 101, 36, 205, 187)
LEFT_UNDER_EYE_CHEEK = (280, 330, 266, 425, 411)

# --- lips -----------------------------------------------------------------------------------------------------
MOUTH_RIGHT_INNER_CORNER, MOUTH_LEFT_INNER_CORNER = 78, 308
#: inner edges of the lips, corner 78 → corner 308
UPPER_INNER_LIP = (MOUTH_RIGHT_INNER_CORNER, 191, 80, 81, 82, UPPER_INNER_LIP_MID, 312, 311, 310, 415,
                   MOUTH_LEFT_INNER_CORNER)
LOWER_INNER_LIP = (MOUTH_RIGHT_INNER_CORNER, 95, 88, 178, 87, LOWER_INNER_LIP_MID, 317, 402, 318, 324,
                   MOUTH_LEFT_INNER_CORNER)
#: inner-lip contour: corner 78 → upper lip → corner 308 → lower lip
INNER_LIP_RING = UPPER_INNER_LIP + tuple(reversed(LOWER_INNER_LIP[1:-1]))
#: upper / lower inner-lip points facing each other across the mouth opening
INNER_LIP_PAIRS = ((80, 88), (81, 178), (82, 87), (UPPER_INNER_LIP_MID, LOWER_INNER_LIP_MID), (312, 317),
                   (311, 402), (310, 318))
#: outer-lip contour (the band between it and the inner contour is the lips)
OUTER_LIP_RING = (61, 185, 40, 39, 37, UPPER_LIP_TOP, 267, 269, 270, 409, 291, 375, 321, 405, 314, LOWER_LIP_BOTTOM,
                  84, 181, 91, 146)


#: the FaceMesh silhouette (face oval) in contour order from the forehead (10): MediaPipe's FACEMESH_FACE_OVAL edges
#: walked once (tests/test_parts.py checks it against the installed mediapipe)
FACE_OVAL = (10, 109, 67, 103, 54, 21, 162, 127, 234, 93, 132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378,
             379, 365, 397, 288, 361, 323, 454, 356, 389, 251, 284, 332, 297, 338)
#: the points of the right eye and brow, the left eye and brow, and the lips (MediaPipe's FACEMESH_RIGHT_EYE +
#: _RIGHT_EYEBROW, _LEFT_EYE + _LEFT_EYEBROW, _LIPS), for masking them out of skin statistics
RIGHT_EYE_AND_BROW = (7, 33, 46, 52, 53, 55, 63, 65, 66, 70, 105, 107, 133, 144, 145, 153, 154, 155, 157, 158, 159,
                      160, 161, 163, 173, 246)
LEFT_EYE_AND_BROW = (249, 263, 276, 282, 283, 285, 293, 295, 296, 300, 334, 336, 362, 373, 374, 380, 381, 382, 384,
                     385, 386, 387, 388, 390, 398, 466)
LIPS = (0, 13, 14, 17, 37, 39, 40, 61, 78, 80, 81, 82, 84, 87, 88, 91, 95, 146, 178, 181, 185, 191, 267, 269, 270, 291,
        308, 310, 311, 312, 314, 317, 318, 321, 324, 375, 402, 405, 409, 415)


def face_oval_indices() -> tuple[int, ...]:
    """Return the FaceMesh silhouette (face oval) point indices in contour order, starting at the forehead (10)."""
    return FACE_OVAL


def face_part_indices() -> tuple[tuple[int, ...], ...]:
    """Return the FaceMesh point indices of (right eye + brow, left eye + brow, lips), for masking them out."""
    return RIGHT_EYE_AND_BROW, LEFT_EYE_AND_BROW, LIPS
