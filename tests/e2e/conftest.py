"""Browser flows across the product. The fixtures (`browser`, `page`, `login`, `shoot`) come
from `tests/browser.py`, loaded for the whole suite by `tests/conftest.py`."""
