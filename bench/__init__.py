"""The benchmark suite: `make bench` (or `python -m bench --docs 100000`)."""
