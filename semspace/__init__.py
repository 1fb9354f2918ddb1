"""semspace: hidden-state exploration and exploitation metrics for RLVR on LLM reasoning."""

__version__ = "0.1.0"
