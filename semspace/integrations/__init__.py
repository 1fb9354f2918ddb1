"""Adapters that plug semspace's metrics and shapers into other training engines (verl/)."""
