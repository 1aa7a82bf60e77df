"""``python -m autograd_lite.ops``: rewrite what follows from the op declarations (the Tensor
method stub and the README's op table) after adding or changing an op."""

from autograd_lite.ops.declarations import STUB, write_generated

write_generated()
print(f"wrote {STUB} and the README's op table")
