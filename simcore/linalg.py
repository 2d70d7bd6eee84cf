"""Small dense linear algebra that gives the same bits on every machine.

NumPy's ``@``, ``np.linalg.solve``, ``cholesky`` and ``inv`` hand the work to BLAS and LAPACK, and
OpenBLAS (the one in NumPy's wheels) picks its kernels for the CPU at run time: one for Sandy
Bridge, one for Haswell and AMD Zen, one for AVX-512 Intel. They order and fuse the products
differently, so the results differ in the last bit: on one machine under ``OPENBLAS_CORETYPE`` =
Sandybridge, Haswell and SkylakeX, the stationary law's Cholesky factor came out three different
ways, and the step map's noise factor, the Poisson jump law, the ziggurat's tables and the weights
of the normalization study two each (``tests/test_linalg.py``). A sweep run partly on an Intel and
partly on an AMD node of a cluster would not have given the bits of a laptop.

The matrices of the model are at most 9 x 9 and built once per run, so speed does not matter here.
Every function below does one correctly rounded operation at a time (IEEE 754 +, -, *, / and sqrt,
on Python floats or element-wise on NumPy arrays, neither of which fuses or reorders), in the
order written. So does everything the kernels get from these: their bits depend on the inputs alone.
"""

from __future__ import annotations

import math

import numpy as np


class LinAlgError(ValueError):
    """A matrix that the operation cannot take (singular, not positive definite)."""


def matmul(a, b) -> np.ndarray:
    """a @ b for a matrix a and a matrix or vector b: out[i, j] = (...((a[i,0] b[0,j] + a[i,1] b[1,j]) + ...)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    vector = b.ndim == 1
    if vector:
        b = b[:, None]
    if a.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape[:1] if vector else b.shape} do not match")
    out = a[:, :1] * b[:1, :]
    for k in range(1, a.shape[1]):
        out = out + a[:, k : k + 1] * b[k : k + 1, :]
    return out[:, 0] if vector else out


def cholesky(a) -> np.ndarray:
    """The lower triangular L with L L^T = a (a symmetric positive definite; its lower half is read),
    by the Cholesky-Banachiewicz recurrence in a fixed order."""
    a = np.asarray(a, dtype=float)
    n = a.shape[0]
    lower = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            total = float(a[i, j])
            for k in range(j):
                total -= lower[i][k] * lower[j][k]
            if i == j:
                if not total > 0.0:
                    raise LinAlgError(f"cholesky: the matrix is not positive definite (pivot {i} is {total})")
                lower[i][i] = math.sqrt(total)
            else:
                lower[i][j] = total / lower[j][j]
    return np.array(lower)


def solve(a, b) -> np.ndarray:
    """x with a x = b (b a vector or a matrix of right-hand sides), by Gaussian elimination with
    partial pivoting (the first row of largest magnitude), as LAPACK's dgesv but in a fixed order."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = a.shape[0]
    if a.shape != (n, n) or b.shape[0] != n:
        raise ValueError(f"solve: shapes {a.shape} and {b.shape} do not match")
    vector = b.ndim == 1
    rows = [[float(v) for v in a[i]] + ([float(b[i])] if vector else [float(v) for v in b[i]]) for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        if rows[pivot][col] == 0.0:
            raise LinAlgError(f"solve: the matrix is singular (no pivot in column {col})")
        rows[col], rows[pivot] = rows[pivot], rows[col]
        top = rows[col]
        for r in range(col + 1, n):
            factor = rows[r][col] / top[col]
            if factor != 0.0:
                rows[r] = [v - factor * t for v, t in zip(rows[r], top)]
    width = len(rows[0]) - n
    x = [[0.0] * width for _ in range(n)]
    for i in range(n - 1, -1, -1):
        for j in range(width):
            total = rows[i][n + j]
            for k in range(i + 1, n):
                total -= rows[i][k] * x[k][j]
            x[i][j] = total / rows[i][i]
    out = np.array(x)
    return out[:, 0] if vector else out


def inv(a) -> np.ndarray:
    """a^-1 (`solve` with the identity)."""
    a = np.asarray(a, dtype=float)
    return solve(a, np.eye(a.shape[0]))
