# Survival for any chain length from one group's transitions (issue 12, part 3); config key
# prediction.enabled. One job per kernel kind simulates a single group on the prediction grid
# (diesmann1999.markov); the prediction iterates the kernels and checks them against the main sweep.

PREDICTION = config["prediction"]

if PREDICTION["enabled"]:

    localrules:
        figure_prediction,

    rule simulate_transition:
        output:
            "results/prediction/kernel_{kind}.nc",
        log:
            "logs/prediction/kernel_{kind}.log",
        wildcard_constraints:
            kind="first|second|later",
        group:
            "simulate"
        threads: 1
        resources:
            mem_mb=400,
            runtime=60,
        params:
            model=VARIANTS["main"].params.to_json(),
            a=sorted(PREDICTION.get("a", [])),
            sigma=sorted(PREDICTION.get("sigma", [])),
            trials=PREDICTION.get("trials"),
            seed=config["seed"],
            simulator=SIMULATOR_DIGEST,  # re-run when the simulator's code changes
            code=WORKFLOW_DIGEST,
        script:
            "../scripts/simulate_transition.py"

    rule predict_survival:
        input:
            kernels=expand("results/prediction/kernel_{kind}.nc", kind=["first", "second", "later"]),
            packets=rules.aggregate_main.output[0],
        output:
            survival="results/tables/predicted_survival.csv",
            threshold="results/tables/predicted_threshold.csv",
            check="results/tables/prediction_check.csv",
            cost="results/tables/prediction_cost.csv",
            steps="results/tables/prediction_steps.csv",
            survival_columns="results/tables/predicted_survival.csv-metadata.json",
            threshold_columns="results/tables/predicted_threshold.csv-metadata.json",
            check_columns="results/tables/prediction_check.csv-metadata.json",
            cost_columns="results/tables/prediction_cost.csv-metadata.json",
            steps_columns="results/tables/prediction_steps.csv-metadata.json",
        log:
            "logs/prediction/predict.log",
        threads: 1
        params:
            model=VARIANTS["main"].params.to_json(),
            chain_lengths=PREDICTION.get("chain_lengths"),
            particles=PREDICTION.get("particles"),
            timing_trials=PREDICTION.get("timing_trials"),
            seed=config["seed"],
            min_fraction=SURVIVAL["min_fraction"],
            confidence=SURVIVAL["confidence"],
            simulator=SIMULATOR_DIGEST,  # every kernel file is checked against it
            code=WORKFLOW_DIGEST,
        script:
            "../scripts/predict_survival.py"

    rule figure_prediction:
        input:
            survival=rules.predict_survival.output.survival,
            threshold=rules.predict_survival.output.threshold,
            check=rules.predict_survival.output.check,
            cost=rules.predict_survival.output.cost,
            steps=rules.predict_survival.output.steps,
            simulated=rules.analysis.output.survival,
        output:
            png=report(
                "results/figures/prediction.png",
                caption="../report/prediction.rst",
                category="8. Markov prediction",
            ),
            pdf="results/figures/prediction.pdf",
        log:
            "logs/figures/prediction.log",
        params:
            code=WORKFLOW_DIGEST,
        script:
            "../scripts/figure_prediction.py"
