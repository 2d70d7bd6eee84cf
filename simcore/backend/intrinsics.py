"""Two LLVM-level requests numba has no words for: one rounding for a * b + c, and wide vectors.

``fma(a, b, c)``: a * b + c rounded once (IEEE 754 fusedMultiplyAdd). numba compiles ``a * b + c``
to a multiply and an add, each rounded; with fastmath, LLVM may fuse some of them, which ones being
its choice for the machine at hand, so results would depend on the CPU. This asks for
``llvm.fma.f64``: one rounding on every machine (the FMA instruction where the CPU has one, as every
x86-64 since 2013 and every 64-bit ARM does; a correctly rounded library call elsewhere), so the
kernel's bits do not depend on the CPU, and loops of it vectorize like plain arithmetic.

``wide_vectors()``, the first statement of a kernel: lets LLVM vectorize that kernel's loops with
512-bit registers where the CPU has AVX-512 (LLVM's default for Intel server cores is 256 bits, to
spare the clock of older chips). Only that function is affected, not other numba code in the
process. The width is a speed setting, never a result: the kernels have no floating-point
reductions that a vector width could reorder (fastmath is off), so 256 and 512 bits give the same
bits (``tests/test_kernel_reference.py`` runs both). ``SYNFIRE_VECTOR_BITS=256`` keeps LLVM's
default (for a CPU that slows down on 512-bit code); the setting is part of the cache directory's
name (simcore.backend).
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from . import VECTOR_BITS

_DOUBLE = ir.DoubleType()


@intrinsic
def fma(typingctx, a, b, c):
    """a * b + c, rounded once (float64)."""
    if not all(isinstance(t, (types.Float, types.Integer)) for t in (a, b, c)):
        return None

    def codegen(context, builder, sig, args):
        args = [context.cast(builder, value, t, types.float64) for value, t in zip(args, sig.args)]
        function = builder.module.declare_intrinsic("llvm.fma", [_DOUBLE], ir.FunctionType(_DOUBLE, [_DOUBLE] * 3))
        return builder.call(function, args)

    return types.float64(a, b, c), codegen


@intrinsic
def wide_vectors(typingctx):
    """Mark the calling kernel's LLVM function "prefer-vector-width"=SYNFIRE_VECTOR_BITS."""

    def codegen(context, builder, sig, args):
        # llvmlite accepts only attributes without a value; LLVM reads this one as written
        set.add(builder.function.attributes, f'"prefer-vector-width"="{VECTOR_BITS}"')
        return context.get_dummy_value()

    return types.none(), codegen
