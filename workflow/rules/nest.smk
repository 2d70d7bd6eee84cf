# Optional NEST cross-check of the survival sweep (config key nest_crosscheck; needs `make bench-peers`).


rule nest_crosscheck:
    output:
        "results/nest/survival.csv",
    log:
        "logs/nest/crosscheck.log",
    params:
        code=ANALYSIS_DIGEST,
        nest=config["nest_crosscheck"],
    threads: 1
    script:
        "../scripts/nest_crosscheck.py"


rule figure_nest_crosscheck:
    input:
        simcore="results/tables/survival.csv",
        nest="results/nest/survival.csv",
    output:
        report("results/figures/nest_crosscheck.png", caption="../report/nest_crosscheck.rst", category="7. Cross-check"),
    log:
        "logs/figures/nest_crosscheck.log",
    params:
        code=ANALYSIS_DIGEST,
    script:
        "../scripts/nest_figure.py"
