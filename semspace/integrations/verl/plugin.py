"""verl's entry point (group `verl.plugins`): `import verl` runs this, which checks the verl version and registers
trainer mode `semspace`. verl logs a plugin that fails only at DEBUG level, so a failure is also logged as an error."""

from __future__ import annotations

import logging

import verl

from semspace.integrations.verl.version import check_verl_version

logger = logging.getLogger(__name__)

try:
    check_verl_version(verl.__version__)
    import semspace.integrations.verl.trainer  # noqa: F401  (registers trainer mode `semspace`)
except Exception as error:
    logger.error("semspace's verl plugin did not load: %s", error)
    raise
