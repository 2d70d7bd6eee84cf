rule figure_rasters:
    input:
        raster_files(),
    output:
        report("results/figures/rasters.png", caption="../report/rasters.rst", category="1. Rasters"),
        "results/figures/rasters.pdf",
    log:
        "logs/figures/rasters.log",
    params:
        code=ANALYSIS_DIGEST,
        kind="rasters",
        rasters=config["rasters"],
    script:
        "../scripts/figure.py"


rule figure_transmission:
    input:
        "results/tables/transmission.csv",
    output:
        report("results/figures/transmission.png", caption="../report/transmission.rst", category="2. Transmission function"),
        "results/figures/transmission.pdf",
    log:
        "logs/figures/transmission.log",
    params:
        code=ANALYSIS_DIGEST,
        kind="transmission",
    script:
        "../scripts/figure.py"


rule figure_state_space:
    input:
        "results/packets.nc",
        "results/tables/flow.csv",
        "results/tables/threshold.csv",
        "results/tables/fixed_points.csv",
    output:
        report("results/figures/state_space.png", caption="../report/state_space.rst", category="3. State space"),
        "results/figures/state_space.pdf",
    log:
        "logs/figures/state_space.log",
    params:
        code=ANALYSIS_DIGEST,
        kind="state_space",
    script:
        "../scripts/figure.py"


rule figure_survival:
    input:
        "results/tables/survival.csv",
        "results/tables/threshold.csv",
    output:
        report("results/figures/survival_curves.png", caption="../report/survival_curves.rst", category="4. Survival"),
        report("results/figures/survival_heatmap.png", caption="../report/survival_heatmap.rst", category="4. Survival"),
        "results/figures/survival_curves.pdf",
        "results/figures/survival_heatmap.pdf",
    log:
        "logs/figures/survival.log",
    params:
        code=ANALYSIS_DIGEST,
        kind="survival",
    script:
        "../scripts/figure.py"


rule figure_window_sensitivity:
    input:
        "results/tables/window_sensitivity.csv",
    output:
        report("results/figures/window_sensitivity.png", caption="../report/window_sensitivity.rst", category="4. Survival"),
        "results/figures/window_sensitivity.pdf",
    log:
        "logs/figures/window_sensitivity.log",
    params:
        code=ANALYSIS_DIGEST,
        kind="window_sensitivity",
    script:
        "../scripts/figure.py"


rule figure_bifurcation:
    input:
        "results/tables/bifurcation.csv",
    output:
        report("results/figures/bifurcation.png", caption="../report/bifurcation.rst", category="5. Group size"),
        "results/figures/bifurcation.pdf",
    log:
        "logs/figures/bifurcation.log",
    params:
        code=ANALYSIS_DIGEST,
        kind="bifurcation",
    script:
        "../scripts/figure.py"
