# One simulation job per row of a variant's grid: every a at one sigma, for one chunk of trials,
# one file per point. The files are `update` outputs and `simcore run --reuse` keeps those that
# already hold exactly this simulation, so a value added to grid.a re-simulates only the new points.
SIMULATE = (
    "simcore run --a {params.a} --sigma {wildcards.sigma} --trials {params.trials} --seed {params.seed}"
    " --threads {threads} --params-json {params.model:q} --reuse --quiet -o {params.pattern:q} > {log:q} 2>&1"
)


rule simulate_main:
    output:
        update(row_files("main")),
    log:
        "logs/simulate/{variant}/s{sigma}_c{chunk}.log",
    wildcard_constraints:
        variant="main",
    group:
        "simulate"
    threads: 1
    resources:
        mem_mb=400,
        runtime=60,
    params:
        **ROW_PARAMS,
    shell:
        SIMULATE


if config["bifurcation"]["enabled"]:

    rule simulate_bifurcation:
        output:
            update(row_files("bifurcation")),
        log:
            "logs/simulate/{variant}/s{sigma}_c{chunk}.log",
        wildcard_constraints:
            variant=r"size\d+",
        group:
            "simulate"
        threads: 1
        resources:
            mem_mb=400,
            runtime=60,
        params:
            **ROW_PARAMS,
        shell:
            SIMULATE


if config["normalization"]["enabled"]:

    rule simulate_normalization:
        output:
            update(row_files("normalization")),
        log:
            "logs/simulate/{variant}/s{sigma}_c{chunk}.log",
        wildcard_constraints:
            variant=r"norm_[a-z_]+|norm_scale\d+(\.\d+)?",
        group:
            "simulate"
        threads: 1
        resources:
            mem_mb=400,
            runtime=60,
        params:
            **ROW_PARAMS,
        shell:
            SIMULATE


rule aggregate_main:
    input:
        VARIANTS["main"].sim_files(),
    output:
        "results/packets.nc",
    log:
        "logs/aggregate/main.log",
    params:
        variant=variant_spec("main"),
        simulator=SIMULATOR_DIGEST,  # every file is checked against it
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/aggregate.py"
