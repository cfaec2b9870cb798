"""Benchmarks that print ratios measured side by side in one run: ``make bench``."""

import jax

# Cold timings must include compilation, so this process never reads compiled code from JAX's disk cache.
# Set on import, before anything compiles: once the cache is in use, turning it off is not honoured.
jax.config.update("jax_enable_compilation_cache", False)
