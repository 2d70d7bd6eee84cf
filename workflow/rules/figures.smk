rule figure_rasters:
    input:
        raster_files(),
    output:
        png=report("results/figures/rasters.png", caption="../report/rasters.rst", category="1. Rasters"),
        pdf="results/figures/rasters.pdf",
    log:
        "logs/figures/rasters.log",
    params:
        rasters=config["rasters"],
        model=VARIANTS["main"].params.to_json(),
        trials=config["trials"],
        trials_per_job=config["trials_per_job"],
        simulator=SIMULATOR_DIGEST,  # every file is checked against it
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/figure_rasters.py"


rule figure_transmission:
    input:
        rules.analysis.output.transmission,
    output:
        png=report(
            "results/figures/transmission.png",
            caption="../report/transmission.rst",
            category="2. Transmission function",
        ),
        pdf="results/figures/transmission.pdf",
    log:
        "logs/figures/transmission.log",
    params:
        sigmas=config["transmission_sigmas"],
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/figure_transmission.py"


rule figure_state_space:
    input:
        packets=rules.aggregate_main.output[0],
        flow=rules.analysis.output.flow,
        threshold=rules.analysis.output.threshold,
        fixed_points=rules.analysis.output.fixed_points,
    output:
        png=report("results/figures/state_space.png", caption="../report/state_space.rst", category="3. State space"),
        pdf="results/figures/state_space.pdf",
    log:
        "logs/figures/state_space.log",
    params:
        min_fraction=SURVIVAL["min_fraction"],
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/figure_state_space.py"


rule figure_survival:
    input:
        survival=rules.analysis.output.survival,
        threshold=rules.analysis.output.threshold,
    output:
        curves=report(
            "results/figures/survival_curves.png", caption="../report/survival_curves.rst", category="4. Survival"
        ),
        heatmap=report(
            "results/figures/survival_heatmap.png", caption="../report/survival_heatmap.rst", category="4. Survival"
        ),
        curves_pdf="results/figures/survival_curves.pdf",
        heatmap_pdf="results/figures/survival_heatmap.pdf",
    log:
        "logs/figures/survival.log",
    params:
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/figure_survival.py"


rule figure_window_sensitivity:
    input:
        rules.window_sensitivity.output[0],
    output:
        png=report(
            "results/figures/window_sensitivity.png",
            caption="../report/window_sensitivity.rst",
            category="4. Survival",
        ),
        pdf="results/figures/window_sensitivity.pdf",
    log:
        "logs/figures/window_sensitivity.log",
    params:
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/figure_window_sensitivity.py"


rule figure_bifurcation:
    input:
        rules.bifurcation.output[0],
    output:
        png=report("results/figures/bifurcation.png", caption="../report/bifurcation.rst", category="5. Group size"),
        pdf="results/figures/bifurcation.pdf",
    log:
        "logs/figures/bifurcation.log",
    params:
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/figure_bifurcation.py"
