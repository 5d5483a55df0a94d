"""A night spread over the workers of a Prefect work pool: any number of workers, on any machines
that share the inbox and the home (archive, work folder) on one filesystem, mounted at the same
paths, and one catalog (PostgreSQL through DAFTAR_DATABASE_URL when more than one machine writes it).

How: the scheduled `nightly-batch` run, on whichever worker took it, asks for one run of the flow
`take-stacks` per other worker online in its pool (its deployment, of the same name, is made by
`daftar deploy`). Every run of the night, its own included, plans the same inbox and takes stacks
one at a time as its threads come free, each under its lease in the catalog (`night.sharing`,
`store.leases`): a stack is processed by the run that took its lease, and a run that dies loses its
leases when they lapse, and another run of the night takes those stacks over. Each run waits for
the stacks the others hold, so every run's report is the whole night's.

Why this and not a flow run per stack (the other way on Prefect itself): a flow run costs a
worker's poll and a process start before it begins (7 s on this 2-core machine when idle, 26 s
when busy, from "submitted to infrastructure" to "Beginning flow run" in the workers' logs), for
every stack, as long as a stack of a few pages takes to read; a run per worker per night pays it
once and keeps one process and one Tesseract pool busy from its first stack to its last. The
stacks go to whichever machine is free first, and there is no coordinator to lose: the leases are
the only shared state, so any run finishes the night (tests/test_prefect_workers.py kills the
night's own run). prefect-dask's DaskTaskRunner was measured (bench/dask_runner.py, figures in
docs/capacity.md): 36 s to start against 2 s, 2.2 s a task against 46 ms, and the nightly task
could not be sent to Dask's workers at all; it would also add a Dask scheduler to keep alive beside
the Prefect server, and a stack lost with its Dask worker would still need a lease to be taken over
exactly once.

Workers should take one flow run at a time (`prefect worker start --pool daftar --limit 1`), so
that the helper runs land on the other machines; a worker that took two only runs them side by side.
"""

from __future__ import annotations

import datetime as dt

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import WorkerFilter, WorkerFilterStatus
from prefect.context import FlowRunContext
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound

from night.sharing import Sharing, holder_name

HELPER_FLOW = "take-stacks"  # the flow each other worker runs its share of the night in (flows.batch.take_stacks)


def share_on_pool(inbox: str, home: str, now: dt.datetime, lease_seconds: float) -> Sharing | None:
    """In a run of a deployment on a work pool: how this run shares the night, once the pool's
    other workers are asked to join it. None elsewhere (`daftar run`: the night is this process's)."""
    context = FlowRunContext.get()
    run = context.flow_run if context else None
    if run is None or run.work_pool_name is None or run.deployment_id is None:
        return None
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment(run.deployment_id).name
        online = client.read_workers_for_work_pool(
            run.work_pool_name, worker_filter=WorkerFilter(status=WorkerFilterStatus(any_=["ONLINE"])))
    helpers = len(online) - 1
    try:
        for _ in range(helpers):
            run_deployment(f"{HELPER_FLOW}/{deployment}", parameters={"inbox": inbox, "home": home, "now": now},
                           timeout=0, as_subflow=True)
    except ObjectNotFound:
        print(f"no deployment {HELPER_FLOW}/{deployment} (`daftar deploy` makes it): the night runs on this worker alone")
        helpers = 0
    print(f"pool {run.work_pool_name}: {len(online)} workers online, {helpers} asked to take stacks too")
    return Sharing(holder_name(str(run.id)), lease_seconds)
