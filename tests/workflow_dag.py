"""The job DAG of a workflow run, built in-process through Snakemake's API (a dry run, ~0.5 s instead of ~3 s).

``plan(workdir, configfile)`` is what `snakemake -n --configfile configfile -d workdir` decides, as
data: every job of the run (rule, wildcards, output files), its dependencies, and which jobs it
would run. Nothing is written to the working directory (no lock, no log file).
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
TEST_CONFIG = ROOT / ".test" / "config" / "config.yaml"


def finished_run(tmp_path_factory, configfile=TEST_CONFIG) -> Path:
    """The working directory of a finished run of `configfile` (`snakemake --cores 2`), made once per
    test session and shared by the tests that ask for it: they may read and copy it, never change it."""
    workdir = tmp_path_factory.getbasetemp() / f"finished_{Path(configfile).stem}"
    done = workdir.with_name(workdir.name + ".done")
    if not done.exists():
        command = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(workdir)]
        command += ["--configfile", str(configfile), "--cores", "2"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        assert result.returncode == 0, result.stderr[-3000:]
        done.touch()
    return workdir


@dataclass(frozen=True)
class Job:
    rule: str
    wildcards: tuple[tuple[str, str], ...]
    output: tuple[str, ...]
    input: tuple[str, ...] = ()

    def matches(self, pattern: str) -> bool:
        """`pattern` is a rule name, or rule[wildcard=glob] for the jobs of that rule whose wildcard matches."""
        rule, _, constraint = pattern.partition("[")
        if rule != self.rule:
            return False
        if not constraint:
            return True
        name, _, glob = constraint.rstrip("]").partition("=")
        return fnmatch.fnmatchcase(dict(self.wildcards).get(name, ""), glob)


@dataclass(frozen=True)
class Plan:
    jobs: frozenset[Job]
    dependencies: dict[Job, frozenset[Job]]  # job -> the jobs whose outputs it reads
    planned: frozenset[Job]  # the jobs a run would execute now
    # The jobs that differ from their record: output missing, or params or list of input files changed
    # (Snakemake's own comparison, made for every job: its plan skips it for the consumers of a job
    # that runs, as these run anyway).
    changed: frozenset[Job]

    def downstream(self, seeds) -> set[Job]:
        """`seeds` and every job that depends on one of them, directly or not."""
        dependents: dict[Job, set[Job]] = {}
        for job, deps in self.dependencies.items():
            for dep in deps:
                dependents.setdefault(dep, set()).add(job)
        found, todo = set(), list(seeds)
        while todo:
            job = todo.pop()
            if job not in found:
                found.add(job)
                todo.extend(dependents.get(job, ()))
        return found

    @property
    def planned_rules(self) -> set[str]:
        return {job.rule for job in self.planned}

    @property
    def changed_rules(self) -> set[str]:
        return {job.rule for job in self.changed}


def snakemake_command(workdir, configfile, *args) -> list[str]:
    """The command line of a workflow run: this interpreter's snakemake on the repository's Snakefile."""
    import sys

    return [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(workdir),
            "--configfile", str(configfile), *args]  # fmt: skip


@contextlib.contextmanager
def snakemake_dag(workdir, configfile, snakefile=ROOT / "Snakefile"):
    """(workflow, dag) of Snakemake's own DAG for `configfile` in `workdir`, built in-process."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.enums import Quietness
    from snakemake.settings.types import ConfigSettings, DAGSettings, OutputSettings, ResourceSettings

    cwd = os.getcwd()
    try:
        with SnakemakeApi(OutputSettings(quiet={Quietness.ALL}, enable_file_logging=False)) as api:
            workflow_api = api.workflow(
                resource_settings=ResourceSettings(cores=2),
                config_settings=ConfigSettings(configfiles=[Path(configfile)]),
                snakefile=Path(snakefile),
                workdir=Path(workdir),
            )
            workflow_api.dag(DAGSettings())
            # What DAGApi.printdag does before printing (`snakemake --dag`), without the printing.
            workflow = workflow_api._workflow
            workflow._prepare_dag(forceall=False, ignore_incomplete=False, lock_warn_only=True, nolock=True)
            workflow._build_dag()
            yield workflow, workflow.dag
    finally:
        os.chdir(cwd)


def jobs_of(workdir, configfile, snakefile=ROOT / "Snakefile"):
    """Every job of the run (but `all`), dependencies first, with what running it needs: rule name,
    formatted shell command (or None), script, input, output, params, log and wildcards."""
    with snakemake_dag(workdir, configfile, snakefile) as (_, dag):
        order, done = [], set()
        pending = [job for job in dag.jobs if job.rule.name != "all"]
        while pending:
            ready = [job for job in pending if all(dep in done for dep in dag.dependencies[job])]
            order += ready
            done.update(ready)
            pending = [job for job in pending if job not in done]
        return [
            SimpleNamespace(
                rule=job.rule.name,
                shell=job.shellcmd if job.rule.shellcmd else None,
                script=job.rule.script,
                input=job.input,
                output=job.output,
                params=job.params,
                log=job.log,
                wildcards=job.wildcards,
            )
            for job in order
        ]


def plan(workdir, configfile, snakefile=ROOT / "Snakefile") -> Plan:
    with snakemake_dag(workdir, configfile, snakefile) as (workflow, dag):

        def job(j) -> Job:
            files = (tuple(map(str, j.output)), tuple(map(str, j.input)))
            return Job(j.rule.name, tuple(sorted(j.wildcards.items())), *files)

        record = workflow.persistence

        def differs(j) -> bool:
            if not all(map(os.path.exists, j.output)) or not record.has_metadata(j):
                return True
            return bool(record.params_changed(j)) or any(record.input_changed(j))

        return Plan(
            jobs=frozenset(map(job, dag.jobs)),
            dependencies={job(j): frozenset(map(job, dag.dependencies[j])) for j in dag.jobs},
            planned=frozenset(map(job, dag.needrun_jobs(exclude_finished=False))),
            changed=frozenset(job(j) for j in dag.jobs if j.output and differs(j)),
        )
