# Normalization study of the alpha kernel (BrainPy issue #577); config key normalization.enabled.


rule normalization_issue577:
    output:
        table="results/normalization/issue577.csv",
        table_columns="results/normalization/issue577.csv-metadata.json",
        figure=report(
            "results/normalization/issue577.png",
            caption="../report/normalization_issue577.rst",
            category="6. Normalization",
        ),
    log:
        "logs/normalization/issue577.log",
    params:
        tau_ms=config["normalization"]["issue_tau_ms"],
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/normalization_issue577.py"


rule normalization_conventions:
    output:
        "results/normalization/conventions.csv",
        "results/normalization/conventions.csv-metadata.json",
    log:
        "logs/normalization/conventions.log",
    params:
        model=VARIANTS["main"].params.to_json(),
        target_psp_mv=config["normalization"]["target_psp_mv"],
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/normalization_conventions.py"


rule normalization_propagation:
    input:
        study_sim_files("normalization"),
    output:
        survival="results/normalization/survival.csv",
        thresholds="results/normalization/thresholds.csv",
        survival_columns="results/normalization/survival.csv-metadata.json",
        thresholds_columns="results/normalization/thresholds.csv-metadata.json",
        sweeps=expand("results/variants/{name}/packets.nc", name=study_variants("normalization")),
    log:
        "logs/normalization/propagation.log",
    params:
        variants=[variant_spec(name) for name in study_variants("normalization")],
        simulator=SIMULATOR_DIGEST,  # every file is checked against it
        min_fraction=SURVIVAL["min_fraction"],
        confidence=SURVIVAL["confidence"],
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/normalization_propagation.py"


rule normalization_figures:
    input:
        survival=rules.normalization_propagation.output.survival,
        thresholds=rules.normalization_propagation.output.thresholds,
    output:
        survival=report(
            "results/normalization/survival.png",
            caption="../report/normalization_survival.rst",
            category="6. Normalization",
        ),
        threshold=report(
            "results/normalization/threshold_vs_psp.png",
            caption="../report/normalization_threshold.rst",
            category="6. Normalization",
        ),
    log:
        "logs/normalization/figures.log",
    params:
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/normalization_figures.py"
