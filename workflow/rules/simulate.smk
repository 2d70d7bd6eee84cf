rule simulate:
    output:
        "results/sims/{variant}/a{a}_s{sigma}_c{chunk}.nc",
    log:
        "logs/simulate/{variant}/a{a}_s{sigma}_c{chunk}.log",
    params:
        model=lambda wildcards: VARIANTS[wildcards.variant].params.to_json(),
        trials=chunk_trials,
        seed=config["seed"],
        model_code=MODEL_DIGEST,  # re-run when the simulator's code changes
        python=PYTHON,
    threads: 1
    resources:
        mem_mb=400,
        runtime=20,
    group:
        "simulate"
    shell:
        "{params.python:q} -m simcore run --a {wildcards.a} --sigma {wildcards.sigma}"
        " --trials {params.trials} --seed {params.seed} --threads {threads}"
        " --params-json {params.model:q} --quiet -o {output:q} > {log:q} 2>&1"


rule aggregate_main:
    input:
        lambda wildcards: variant_files("main"),
    output:
        "results/packets.nc",
    log:
        "logs/aggregate/main.log",
    params:
        code=ANALYSIS_DIGEST,
        variant="main",
    script:
        "../scripts/aggregate.py"


rule aggregate_variant:
    input:
        lambda wildcards: variant_files(wildcards.variant),
    output:
        "results/variants/{variant}/packets.nc",
    log:
        "logs/aggregate/{variant}.log",
    params:
        code=ANALYSIS_DIGEST,
        variant=lambda wildcards: wildcards.variant,
    script:
        "../scripts/aggregate.py"
