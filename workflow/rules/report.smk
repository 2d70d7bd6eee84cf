# The report's tables (category "0. Configuration and tables"): the configuration of the run and
# the result tables, each a small self-contained HTML page.

# output name: (file in results/report/, its name in the report, caption in workflow/report/)
TABLE_PAGES = {
    "config": ("configuration", "configuration of this run", "configuration"),
    "survival": ("survival", "survival P(a, σ)", "survival_table"),
    "threshold": ("threshold", "threshold packet a50(σ)", "threshold_table"),
    "fixed_points": ("fixed_points", "fixed points", "fixed_points_table"),
}
if config["normalization"]["enabled"]:
    TABLE_PAGES["conventions"] = (
        "normalization_conventions",
        "normalization conventions",
        "normalization_conventions",
    )


rule report_tables:
    input:
        survival=rules.analysis.output.survival,
        threshold=rules.analysis.output.threshold,
        fixed_points=rules.analysis.output.fixed_points,
        conventions=rules.normalization_conventions.output[0] if config["normalization"]["enabled"] else [],
    output:
        **{
            name: report(
                f"results/report/{stem}.html",
                caption=f"../report/{caption}.rst",
                category="0. Configuration and tables",
                labels={"table": title},
            )
            for name, (stem, title, caption) in TABLE_PAGES.items()
        },
    log:
        "logs/report_tables.log",
    params:
        config=config,  # the one job whose output is the configuration itself
        seed_w=VARIANTS["main"].params.w,
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/report_tables.py"
