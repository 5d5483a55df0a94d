"""The nightly deployment on a Prefect server: `daftar deploy`'s route (`prefect deploy` with
`prefect.yaml` is the other, under its own deployment name, so neither overwrites the other).

The deployment runs on a process work pool: a worker on the district machine
(`prefect worker start --pool daftar`) starts each night's run in a process of its own, with the
installed package's `flows.batch` as its entrypoint, so no code is copied anywhere. Beside it,
`take-stacks/<name>`, unscheduled: the night's run asks for one run of it per other worker of the
pool, so every worker takes the night's stacks (flows/pool.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.deployments.runner import EntrypointType
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.schedules import Cron
from prefect.settings import get_current_settings
from prefect.workers.process import ProcessWorker

from domain.config import ScheduleSettings
from domain.errors import InstallationProblem, UsageError
from flows.batch import nightly, take_stacks


@dataclass(frozen=True)
class Deployed:
    """What `daftar deploy` made, and what has to run for its nights to happen."""

    deployment: str  # <flow>/<deployment>, as `prefect deployment run` takes it
    pool: str
    pool_created: bool
    api_url: str
    schedule: ScheduleSettings


def deploy_nightly(inbox: Path, home: Path, schedule: ScheduleSettings, name: str, pool: str) -> Deployed:
    """Create (or update) the nightly deployment on the configured Prefect server, and its work
    pool if missing. One night at a time (the deployment's concurrency limit): a run started by
    hand while the scheduled one works waits for it, rather than failing on the home's run lock."""
    try:
        cron = Cron(schedule.cron, timezone=schedule.timezone)
    except ValueError as error:  # pydantic's ValidationError: not a cron
        raise UsageError(f"cron {schedule.cron!r} is not a cron schedule (minute hour day month weekday)") from error
    api_url = _server_url()
    pool_created = ensure_work_pool(pool)
    deployment = nightly.to_deployment(
        name=name,
        schedules=[cron],
        parameters={"inbox": str(inbox), "home": str(home)},
        concurrency_limit=1,
        description=f"Every new batch of every tehsil in {inbox}, each night.",
        work_pool_name=pool,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    deployment.apply(work_pool_name=pool)
    helper = take_stacks.to_deployment(
        name=name,
        parameters={"inbox": str(inbox), "home": str(home)},
        description=f"Another worker's share of a night of {inbox}: asked for by nightly-batch/{name}.",
        work_pool_name=pool,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    helper.apply(work_pool_name=pool)
    return Deployed(f"{nightly.name}/{name}", pool, pool_created, api_url, schedule)


def ensure_work_pool(name: str) -> bool:
    """A process work pool of this name on the server; True when it was created now."""
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
            return False
        except ObjectNotFound:
            pass
        try:
            client.create_work_pool(WorkPoolCreate(
                name=name, type=ProcessWorker.type, base_job_template=ProcessWorker.get_default_base_job_template()))
        except ObjectAlreadyExists:  # created meanwhile by another deploy
            return False
        return True


def _server_url() -> str:
    """The configured Prefect server's API, answering; a deployment on Prefect's temporary
    local API would vanish with it."""
    url = get_current_settings().api.url
    if not url:
        raise UsageError("daftar deploy needs a Prefect server: start one (`prefect server start`) and set "
                         "PREFECT_API_URL=http://127.0.0.1:4200/api")
    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem is not None:
        raise InstallationProblem(f"the Prefect server at {url} does not answer ({problem}): start it with "
                                  "`prefect server start` (deploy/prefect-server.service keeps it running)")
    return url
