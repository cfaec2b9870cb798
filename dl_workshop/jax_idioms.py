"""The names the original workshop's goldfield exercises import, re-exported from :mod:`dl_workshop.goldfield`.

    from dl_workshop.jax_idioms import goldfield, grad_ex_1, grad_ex_2, grad_ex_3
"""

from .goldfield import goldfield, grad_ex_1, grad_ex_2, grad_ex_3

__all__ = ["goldfield", "grad_ex_1", "grad_ex_2", "grad_ex_3"]
