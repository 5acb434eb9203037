import type { CronTrigger } from '@runtime-hub/protocol';
import type { Clock, EngineLogger, RunStore, ScheduleState, Timer } from '../ports.js';
import { firesBetween, nextFireAfter, nextFires } from './cron.js';

export interface ScheduledWorkflow {
  project: string;
  workflow: string;
  trigger: CronTrigger;
}

export interface CronFire {
  project: string;
  workflow: string;
  /** The scheduled time of this fire, epoch ms. */
  scheduledAt: number;
  /** When this fire stands for runs missed during downtime: how many. */
  missed?: number;
}

export interface ScheduleStatus {
  project: string;
  workflow: string;
  expression: string;
  timezone: string;
  missed: CronTrigger['missed'];
  paused: boolean;
  lastFireAt: number | null;
  nextFireTimes: number[];
}

interface Armed {
  entry: ScheduledWorkflow;
  timer?: Timer;
}

const key = (project: string, workflow: string): string => `${project}/${workflow}`;

/**
 * Fires cron-triggered workflows on time, with an injected clock. The scheduled time of the last
 * fire is persisted (before the run starts: a crash in between loses that one fire rather than
 * running it twice), so after a restart the runs missed during downtime are skipped or run once,
 * as each trigger says; pause and resume are persisted too.
 */
export class CronScheduler {
  private readonly armed = new Map<string, Armed>();
  private stopped = false;

  constructor(
    private readonly options: {
      clock: Clock;
      store: RunStore;
      fire: (fire: CronFire) => void | Promise<void>;
      log?: EngineLogger;
    },
  ) {}

  /** Arms exactly these schedules: new ones start, changed ones re-arm, missing ones stop. */
  async sync(entries: readonly ScheduledWorkflow[]): Promise<void> {
    const wanted = new Map(entries.map((e) => [key(e.project, e.workflow), e]));
    for (const [k, armed] of this.armed) {
      if (!wanted.has(k)) {
        armed.timer?.cancel();
        this.armed.delete(k);
      }
    }
    for (const [k, entry] of wanted) {
      const current = this.armed.get(k);
      const same =
        current &&
        current.entry.trigger.expression === entry.trigger.expression &&
        current.entry.trigger.timezone === entry.trigger.timezone &&
        current.entry.trigger.missed === entry.trigger.missed;
      if (same) continue;
      current?.timer?.cancel();
      const armed: Armed = { entry };
      this.armed.set(k, armed);
      await this.arm(armed, current !== undefined);
    }
  }

  async pause(project: string, workflow: string): Promise<ScheduleStatus | undefined> {
    const armed = this.armed.get(key(project, workflow));
    if (!armed) return undefined;
    armed.timer?.cancel();
    armed.timer = undefined;
    const state = await this.state(project, workflow);
    await this.options.store.putSchedule({ ...state, paused: true });
    return this.status(project, workflow);
  }

  /** Resumes from now: fires that fell due while paused are not run. */
  async resume(project: string, workflow: string): Promise<ScheduleStatus | undefined> {
    const armed = this.armed.get(key(project, workflow));
    if (!armed) return undefined;
    const state = await this.state(project, workflow);
    await this.options.store.putSchedule({ ...state, paused: false, lastFireAt: this.options.clock.now() });
    await this.arm(armed, false);
    return this.status(project, workflow);
  }

  async status(project: string, workflow: string, count = 5): Promise<ScheduleStatus | undefined> {
    const armed = this.armed.get(key(project, workflow));
    if (!armed) return undefined;
    const state = await this.state(project, workflow);
    const { trigger } = armed.entry;
    return {
      project,
      workflow,
      expression: trigger.expression,
      timezone: trigger.timezone,
      missed: trigger.missed,
      paused: state.paused,
      lastFireAt: state.lastFireAt ?? null,
      nextFireTimes: nextFires(trigger, count, this.options.clock.now()),
    };
  }

  stop(): void {
    this.stopped = true;
    for (const armed of this.armed.values()) armed.timer?.cancel();
    this.armed.clear();
  }

  private async state(project: string, workflow: string): Promise<ScheduleState> {
    return (await this.options.store.getSchedule(project, workflow)) ?? { project, workflow, paused: false };
  }

  /** Applies the missed-run policy if fires fell due since the last one, then sets the timer. */
  private async arm(armed: Armed, changed: boolean): Promise<void> {
    if (this.stopped) return;
    const { project, workflow, trigger } = armed.entry;
    const now = this.options.clock.now();
    let state = await this.state(project, workflow);
    if (state.paused) return;
    if (state.lastFireAt === undefined || changed) {
      state = { ...state, lastFireAt: now };
      await this.options.store.putSchedule(state);
    }
    const last = state.lastFireAt ?? now;
    const due = firesBetween(trigger, last, now);
    if (due.count > 0 && due.latest !== undefined) {
      await this.options.store.putSchedule({ ...state, lastFireAt: due.latest });
      if (trigger.missed === 'run-once') {
        this.options.log?.info('cron: running once for missed fires', { project, workflow, missed: due.count });
        await this.start({ project, workflow, scheduledAt: due.latest, missed: due.count });
      } else {
        this.options.log?.info('cron: skipping missed fires', { project, workflow, missed: due.count });
      }
    }
    this.setTimer(armed, Math.max(now, due.latest ?? last));
  }

  private setTimer(armed: Armed, after: number): void {
    if (this.stopped || this.armed.get(key(armed.entry.project, armed.entry.workflow)) !== armed) return;
    const at = nextFireAfter(armed.entry.trigger, after);
    if (at === undefined) return;
    armed.timer = this.options.clock.setTimer(at, () => {
      void this.onTimer(armed, at);
    });
  }

  private async onTimer(armed: Armed, at: number): Promise<void> {
    const { project, workflow } = armed.entry;
    if (this.armed.get(key(project, workflow)) !== armed) return;
    try {
      const state = await this.state(project, workflow);
      if (state.paused) return;
      await this.options.store.putSchedule({ ...state, lastFireAt: at });
      await this.start({ project, workflow, scheduledAt: at });
    } catch (error) {
      this.options.log?.error('cron: fire failed', { project, workflow, error: (error as Error).message });
    }
    // A late timer (the machine slept): fires that also passed meanwhile follow the missed policy.
    await this.arm(armed, false);
  }

  private async start(fire: CronFire): Promise<void> {
    try {
      await this.options.fire(fire);
    } catch (error) {
      this.options.log?.error('cron: starting the run failed', { project: fire.project, workflow: fire.workflow, error: (error as Error).message });
    }
  }
}
