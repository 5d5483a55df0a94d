"""The nightly deployment on a Prefect server: `daftar deploy`'s route (`prefect deploy` with
`prefect.yaml` is the other, under its own deployment name, so neither overwrites the other).

The deployment runs on a process work pool: a worker on the district machine
(`prefect worker start --pool daftar`) starts each night's run in a process of its own, with the
installed package's `flows.batch` as its entrypoint, so no code is copied anywhere. Beside it,
`take-stacks/<name>`, unscheduled: the night's run asks for one run of it per other worker of the
pool, so every worker takes the night's stacks (flows/pool.py).

A worker killed mid-night (its machine lost, the process OOM-killed) takes its flow-run process
with it, and nothing is left to tell the server that the run ended: it would stay Running. So the
deployments run with Prefect's heartbeats on (`PREFECT_FLOWS_HEARTBEAT_FREQUENCY`, in their job
variables, so every worker's runs have them), and `daftar deploy` keeps an automation on the server
that marks a run of theirs Crashed once its heartbeats stop (Prefect's "zombie flow" detection).
The stacks that run held are taken over by another worker's run when their leases lapse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.objects import StateType
from prefect.deployments.runner import EntrypointType
from prefect.events.actions import ChangeFlowRunState
from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
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
    heartbeat_seconds: int
    crashed_after_seconds: int  # of silence, before the automation marks a run Crashed
    crash_detection: str  # that automation's name


MINIMUM_HEARTBEAT_SECONDS = 30  # Prefect's own least
# Prefect's guidance: a run is dead when three heartbeats in a row have not come.
MISSED_HEARTBEATS = 3
# The events that say a run is alive, or ended of itself.
_ALIVE_OR_ENDED = {"prefect.flow-run.heartbeat", "prefect.flow-run.Completed", "prefect.flow-run.Failed",
                   "prefect.flow-run.Cancelled", "prefect.flow-run.Crashed"}


def deploy_nightly(inbox: Path, home: Path, schedule: ScheduleSettings, name: str, pool: str,
                   heartbeat_seconds: int) -> Deployed:
    """Create (or update) the nightly deployment on the configured Prefect server, and its work
    pool if missing. One night at a time (the deployment's concurrency limit): a run started by
    hand while the scheduled one works waits for it, rather than failing on the home's run lock.
    Its runs and the helpers' send a heartbeat every `heartbeat_seconds`; the automation that marks
    a silent one Crashed is created or brought up to date."""
    if heartbeat_seconds < MINIMUM_HEARTBEAT_SECONDS:
        raise UsageError(f"a heartbeat every {heartbeat_seconds} s is too often: Prefect's least is "
                         f"{MINIMUM_HEARTBEAT_SECONDS} s")
    heartbeats = {"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(heartbeat_seconds)}}
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
        job_variables=heartbeats,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    deployments = [deployment.apply(work_pool_name=pool)]
    helper = take_stacks.to_deployment(
        name=name,
        parameters={"inbox": str(inbox), "home": str(home)},
        description=f"Another worker's share of a night of {inbox}: asked for by nightly-batch/{name}.",
        work_pool_name=pool,
        job_variables=heartbeats,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    deployments.append(helper.apply(work_pool_name=pool))
    silence = MISSED_HEARTBEATS * heartbeat_seconds
    automation = ensure_crash_detection(name, deployments, silence)
    return Deployed(f"{nightly.name}/{name}", pool, pool_created, api_url, schedule, heartbeat_seconds, silence, automation)


def ensure_crash_detection(name: str, deployments: list[UUID], silence_seconds: int) -> str:
    """The automation that marks a run of these deployments Crashed when, `silence_seconds` after
    its last heartbeat, neither another heartbeat nor its end has come; created, or updated in
    place (one per deployment name, so `daftar deploy` run again makes no second one). Its name."""
    automation = AutomationCore(
        name=f"daftar {name}: runs whose heartbeats stopped are Crashed",
        description="A worker killed mid-night leaves its run Running: marked Crashed here (flows/deploy.py).",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect=_ALIVE_OR_ENDED,
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.id": [f"prefect.deployment.{id}" for id in deployments]},
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=silence_seconds),
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED,
                                    message=f"no heartbeat for {silence_seconds} s: its worker or machine died")],
    )
    with get_client(sync_client=True) as client:
        existing = client.read_automations_by_name(automation.name)
        if not existing:
            client.create_automation(automation)
            return automation.name
        client.update_automation(existing[0].id, automation)
        for twin in existing[1:]:  # made by two deploys at once
            client.delete_automation(twin.id)
    return automation.name


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
