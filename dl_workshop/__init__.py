"""Helper package of the JAX gradient-descent workshop."""
