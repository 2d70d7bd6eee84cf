rule analysis:
    input:
        rules.aggregate_main.output[0],
    output:
        survival="results/tables/survival.csv",
        threshold="results/tables/threshold.csv",
        transmission="results/tables/transmission.csv",
        flow="results/tables/flow.csv",
        fixed_points="results/tables/fixed_points.csv",
        # each table's data dictionary (CSVW metadata: units and meaning of every column)
        survival_columns="results/tables/survival.csv-metadata.json",
        threshold_columns="results/tables/threshold.csv-metadata.json",
        transmission_columns="results/tables/transmission.csv-metadata.json",
        flow_columns="results/tables/flow.csv-metadata.json",
        fixed_points_columns="results/tables/fixed_points.csv-metadata.json",
    log:
        "logs/analysis.log",
    params:
        min_fraction=SURVIVAL["min_fraction"],
        confidence=SURVIVAL["confidence"],
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/analysis.py"


rule window_sensitivity:
    input:
        VARIANTS["main"].sim_files(),
    output:
        "results/tables/window_sensitivity.csv",
        "results/tables/window_sensitivity.csv-metadata.json",
    log:
        "logs/window_sensitivity.log",
    params:
        model=VARIANTS["main"].params.to_json(),
        trials=config["trials"],
        trials_per_job=config["trials_per_job"],
        simulator=SIMULATOR_DIGEST,  # every file is checked against it
        windows=config["window_variants"],
        min_fraction=SURVIVAL["min_fraction"],
        confidence=SURVIVAL["confidence"],
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/window_sensitivity.py"


rule bifurcation:
    input:
        study_sim_files("bifurcation"),
    output:
        table="results/tables/bifurcation.csv",
        columns="results/tables/bifurcation.csv-metadata.json",
        sweeps=expand("results/variants/{name}/packets.nc", name=study_variants("bifurcation")),
    log:
        "logs/bifurcation.log",
    params:
        variants=[variant_spec(name) for name in study_variants("bifurcation")],
        simulator=SIMULATOR_DIGEST,  # every file is checked against it
        min_fraction=SURVIVAL["min_fraction"],
        confidence=SURVIVAL["confidence"],
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/bifurcation.py"
