"""The records store: records and their lifecycle, identities, import of mailed photos, export."""
