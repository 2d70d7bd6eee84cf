# Kernel-normalization study (BrainPy issue #577); enabled by config key kernels.enabled.


rule kernel_issue577:
    output:
        table="results/kernels/issue577.csv",
        figure=report("results/kernels/kernel_issue577.png", caption="../report/kernel_issue577.rst", category="6. Kernel normalization"),
    log:
        "logs/kernels/issue577.log",
    params:
        code=ANALYSIS_DIGEST,
        kernels=config["kernels"],
    script:
        "../scripts/kernel_issue577.py"


rule kernel_conventions:
    output:
        csv="results/kernels/conventions.csv",
        md=report("results/kernels/conventions.md", caption="../report/kernel_conventions.rst", category="6. Kernel normalization"),
    log:
        "logs/kernels/conventions.log",
    params:
        code=ANALYSIS_DIGEST,
        kernels=config["kernels"],
    script:
        "../scripts/kernel_conventions.py"


rule kernel_propagation:
    input:
        study_files(VARIANTS, "kernels"),
    output:
        survival="results/kernels/survival.csv",
        thresholds="results/kernels/thresholds.csv",
    log:
        "logs/kernels/propagation.log",
    params:
        code=ANALYSIS_DIGEST,
        survival=config["survival"],
    script:
        "../scripts/kernel_propagation.py"


rule kernel_figures:
    input:
        survival="results/kernels/survival.csv",
        thresholds="results/kernels/thresholds.csv",
    output:
        survival=report("results/kernels/kernel_survival.png", caption="../report/kernel_survival.rst", category="6. Kernel normalization"),
        threshold=report("results/kernels/kernel_threshold_vs_psp.png", caption="../report/kernel_threshold.rst", category="6. Kernel normalization"),
    log:
        "logs/kernels/figures.log",
    params:
        code=ANALYSIS_DIGEST,
    script:
        "../scripts/kernel_figures.py"
