"""Cron triggers in an exported app: each workflow with a cron trigger runs on its schedule, with
the trigger data a hub's scheduled run gets ({"type": "cron", "scheduledAt", "firedAt"}).

Fire times come from runtime/cron.py, the hub's rules. The app keeps no state between starts:
fires due while it was down are skipped. Several replicas of the app would each fire every
schedule; set SCHEDULES=off on all but one."""

import asyncio
import logging
import os
from datetime import datetime, timezone

from .cron import Cron

log = logging.getLogger("runtime.schedules")


def enabled():
    return os.environ.get("SCHEDULES", "on").strip().lower() not in ("off", "0", "false", "no")


def iso(moment):
    """As the hub writes times: 2026-11-30T04:40:00.000Z."""
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def start(project_app, execute):
    """Starts one task per cron workflow; `execute(definition, trigger)` runs a workflow once.
    Returns the tasks (cancel them to stop)."""
    if not enabled():
        return []
    loop = asyncio.get_running_loop()
    return [loop.create_task(_follow(project_app, definition, execute)) for definition in project_app.workflows.values() if (definition.get("trigger") or {}).get("type") == "cron"]


async def _follow(project_app, definition, execute):
    trigger = definition["trigger"]
    cron = Cron(trigger["expression"], trigger.get("timezone") or "UTC")
    after = datetime.now(timezone.utc)
    while True:
        fire = cron.next_after(after)
        if fire is None:
            return
        # Sleep in steps: the event loop's clock is monotonic, the schedule is wall-clock time.
        while (remaining := (fire - datetime.now(timezone.utc)).total_seconds()) > 0:
            await asyncio.sleep(min(remaining, 3600))
        after = fire
        data = {"type": "cron", "scheduledAt": iso(fire), "firedAt": iso(datetime.now(timezone.utc))}
        task = asyncio.ensure_future(_run(execute, definition, data))
        project_app.background.add(task)
        task.add_done_callback(project_app.background.discard)


async def _run(execute, definition, data):
    try:
        result = await execute(definition, data)
        if result.status != "succeeded":
            log.warning("scheduled run of %s %s: %s", definition["id"], result.status, (result.error or {}).get("message"))
    except Exception:  # noqa: BLE001 - one failed run must not stop the schedule
        log.exception("scheduled run of %s failed", definition["id"])
