# The report's tables (category "0. Configuration and tables"): the configuration of the run and
# the result tables, each a small self-contained HTML page.


def table_page(name, label, caption):
    return report(
        f"results/report/{name}.html",
        caption=f"../report/{caption}.rst",
        category="0. Configuration and tables",
        labels={"table": label},
    )


REPORT_TABLES = dict(
    config=table_page("configuration", "configuration of this run", "configuration"),
    survival=table_page("survival", "survival P(a, σ)", "survival_table"),
    threshold=table_page("threshold", "threshold packet a50(σ)", "threshold_table"),
    fixed_points=table_page("fixed_points", "fixed points", "fixed_points_table"),
)
if config["normalization"]["enabled"]:
    REPORT_TABLES["conventions"] = table_page(
        "normalization_conventions", "normalization conventions", "normalization_conventions"
    )


rule report_tables:
    input:
        survival=rules.analysis.output.survival,
        threshold=rules.analysis.output.threshold,
        fixed_points=rules.analysis.output.fixed_points,
        conventions=rules.normalization_conventions.output[0] if config["normalization"]["enabled"] else [],
    output:
        **REPORT_TABLES,
    log:
        "logs/report_tables.log",
    params:
        config=config,  # the one job whose output is the configuration itself
        seed_w=VARIANTS["main"].params.w,
        code=WORKFLOW_DIGEST,
    script:
        "../scripts/report_tables.py"
