"""``ag.linalg``: numpy's ``np.linalg`` functions (PyTorch's ``torch.linalg`` has the same names),
with gradients. The matrices are the last two axes; leading axes are batches.

>>> import numpy as np, autograd_lite as ag
>>> a = ag.tensor(np.array([[2.0, 1.0], [1.0, 3.0]]), requires_grad=True)
>>> ag.linalg.det(a).backward()
>>> a.grad
tensor([[ 3., -1.],
        [-1.,  2.]])
"""

from numpy.linalg import LinAlgError

from .ops.decompositions import (
    EighResult,
    SlogdetResult,
    SVDResult,
    cholesky,
    det,
    eigh,
    eigvalsh,
    inv,
    matrix_power,
    pinv,
    slogdet,
    solve,
    svd,
    svdvals,
)
from .ops.linalg import matmul
from .ops.norms import matrix_norm, norm, vector_norm

__all__ = [
    "LinAlgError",
    "EighResult",
    "SlogdetResult",
    "SVDResult",
    "cholesky",
    "det",
    "eigh",
    "eigvalsh",
    "inv",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "norm",
    "pinv",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "vector_norm",
]
