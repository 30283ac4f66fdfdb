"""Settings for benchmark runs: the production settings plus a minimal baseline view."""

from intranet.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
