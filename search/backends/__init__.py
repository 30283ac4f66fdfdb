"""Search backends for Wagtail's search layer (modelsearch)."""
