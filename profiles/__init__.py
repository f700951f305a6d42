"""Photo specs as data: one TOML file per spec in this folder, loaded and validated into `Profile`."""
from profiles.model import Band, Background, Composition, Profile
from profiles.loader import (
    DEFAULT_PROFILE_ID,
    ProfileError,
    builtin_profile_dir,
    load_profile,
    load_profiles,
    get_profile,
)

__all__ = [
    "Band",
    "Background",
    "Composition",
    "Profile",
    "ProfileError",
    "DEFAULT_PROFILE_ID",
    "builtin_profile_dir",
    "load_profile",
    "load_profiles",
    "get_profile",
]
