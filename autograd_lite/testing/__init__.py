"""Property-test gradients: a gradient checker and hypothesis strategies.

>>> import numpy as np, autograd_lite as ag
>>> from autograd_lite.testing import gradcheck
>>> gradcheck(ag.sigmoid, np.array([[-2.0, 0.5], [1.0, 3.0]]))
True

See :mod:`autograd_lite.testing.strategies` for inputs drawn where finite differences are
trustworthy (positive values, values away from kinks, values without ties, broadcastable
shapes, valid axes and indices, upstream gradients).
"""

from autograd_lite.testing._checks import check_vjp, gradcheck, gradgradcheck, numerical_jacobian
from autograd_lite.testing._report import GradcheckError

__all__ = ["gradcheck", "gradgradcheck", "check_vjp", "numerical_jacobian", "GradcheckError"]
