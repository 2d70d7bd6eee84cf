rule analysis:
    input:
        "results/packets.nc",
    output:
        survival="results/tables/survival.csv",
        threshold="results/tables/threshold.csv",
        transmission="results/tables/transmission.csv",
        flow="results/tables/flow.csv",
        fixed_points="results/tables/fixed_points.csv",
    log:
        "logs/analysis.log",
    params:
        code=ANALYSIS_DIGEST,
        survival=config["survival"],
    script:
        "../scripts/analysis.py"


rule window_sensitivity:
    input:
        lambda wildcards: variant_files("main"),
    output:
        "results/tables/window_sensitivity.csv",
    log:
        "logs/window_sensitivity.log",
    params:
        code=ANALYSIS_DIGEST,
        windows=config["window_variants"],
    script:
        "../scripts/window_sensitivity.py"


rule bifurcation:
    input:
        study_files(VARIANTS, "bifurcation"),
    output:
        "results/tables/bifurcation.csv",
    log:
        "logs/bifurcation.log",
    params:
        code=ANALYSIS_DIGEST,
    script:
        "../scripts/bifurcation.py"
