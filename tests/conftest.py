"""Test-wide settings: never touch the network (a hub lookup would retry for most of a minute)."""

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
