"""semspace on verl (`pip install 'semspace[verl]'`): a `verl.plugins` entry point that registers trainer mode
`semspace`. The actor's FSDP engine computes ER/ERV/ERA inside its old-log-prob forward (engine.py), the trainer
shapes verl's GRPO advantages with `semspace.shaping` and logs `semspace/*` metrics (trainer.py, step.py), and the
`semspace:` config block sets both (settings.py). Never imports `semspace.train` (which needs TRL)."""

# verl first: `import verl` loads this package's plugin, which imports every module here. Were one of them imported
# first (as a Ray worker unpickling its class does), the plugin would meet it half-initialized.
import verl  # noqa: F401
