"""Every op, under numpy's names, and the Tensor operators and methods built on them.

Each op is a class (forward and backward side by side) and one declared function
(:mod:`autograd_lite.ops.declarations`): importing the modules below runs the declarations,
which make the ``ag.<name>`` exports, the Tensor methods and the numpy dispatch.
"""

from typing import TYPE_CHECKING

from . import inplace as _inplace  # noqa: F401 - add_, t[i] = v, t += x, ...
from . import protocol as _protocol  # noqa: F401 - operators and numpy's array protocols
from .activations import *  # noqa: F403
from .declarations import declare, exported, tensor_method  # noqa: F401 - ops.declare
from .elementwise import *  # noqa: F403
from .indexing import *  # noqa: F403
from .joins import *  # noqa: F403
from .linalg import *  # noqa: F403
from .logic import *  # noqa: F403
from .losses import *  # noqa: F403
from .rearrange import *  # noqa: F403
from .reductions import *  # noqa: F403
from .shape import *  # noqa: F403
from .special import *  # noqa: F403

if not TYPE_CHECKING:  # (type checkers see every public name of the modules above)
    __all__ = exported()
