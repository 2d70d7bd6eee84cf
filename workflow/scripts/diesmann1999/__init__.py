"""The reproduction of Diesmann, Gewaltig & Aertsen (1999) built on simcore: config and variants,
aggregation, analysis, figures, the normalization study and the NEST cross-check.

Every function takes explicit arguments (never the whole config); the scripts beside this package,
one per Snakemake rule, pass them from the rule's declared input, params and output.
"""
