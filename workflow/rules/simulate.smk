rule simulate:
    output:
        "results/sims/{variant}/a{a}_s{sigma}_c{chunk}.nc",
    log:
        "logs/simulate/{variant}/a{a}_s{sigma}_c{chunk}.log",
    group:
        "simulate"
    threads: 1
    resources:
        mem_mb=400,
        runtime=20,
    params:
        model=lambda wildcards: VARIANTS[wildcards.variant].params.to_json(),
        trials=chunk_trials,
        seed=config["seed"],
        simulator=SIMULATOR_DIGEST,  # re-run when the simulator's code changes
    shell:
        "simcore run --a {wildcards.a} --sigma {wildcards.sigma}"
        " --trials {params.trials} --seed {params.seed} --threads {threads}"
        " --params-json {params.model:q} --quiet -o {output:q} > {log:q} 2>&1"


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


rule aggregate_variant:
    input:
        variant_files,
    output:
        "results/variants/{variant}/packets.nc",
    log:
        "logs/aggregate/{variant}.log",
    params:
        variant=lambda wildcards: variant_spec(wildcards.variant),
        simulator=SIMULATOR_DIGEST,  # every file is checked against it
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/aggregate.py"
