# Optional NEST cross-check of the survival sweep (config key nest_crosscheck; needs `make bench-peers`).


rule nest_crosscheck:
    output:
        "results/nest/survival.csv",
        "results/nest/survival.csv-metadata.json",
    log:
        "logs/nest/crosscheck.log",
    threads: 1
    params:
        model=VARIANTS["main"].params.to_json(),
        a=config["grid"]["a"],
        sigma=config["nest_crosscheck"].get("sigma", []),
        trials=config["nest_crosscheck"]["trials"],
        seed=config["seed"],
        min_fraction=SURVIVAL["min_fraction"],
        confidence=SURVIVAL["confidence"],
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/nest_crosscheck.py"


rule figure_nest_crosscheck:
    input:
        simcore=rules.analysis.output.survival,
        nest=rules.nest_crosscheck.output[0],
    output:
        report(
            "results/figures/nest_crosscheck.png", caption="../report/nest_crosscheck.rst", category="7. Cross-check"
        ),
    log:
        "logs/figures/nest_crosscheck.log",
    params:
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/figure_nest_crosscheck.py"
