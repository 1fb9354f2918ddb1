"""The whole chain on the embedded model, offline: collect, correlate, train (GRPO with and without VERL), eval,
figures and a report. `semspace demo` shows it; this package decides what runs, in what order, and what is kept."""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "DemoDisplay": "semspace.demo.chain",
    "DemoSettings": "semspace.demo.chain",
    "run_demo": "semspace.demo.chain",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
