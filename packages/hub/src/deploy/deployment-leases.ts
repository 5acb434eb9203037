import type { HubContext } from '../context.js';
import type { Deployment, DeployStore } from './deploy-store.js';
import type { Deployer } from './deployer.js';
import type { HealthMonitor } from './health-monitor.js';

/**
 * The owner's side of deployments across hubs, every `leaseMs / 3`: renew the leases of the
 * deployments this hub runs (an app whose lease another hub took meanwhile is stopped here: that
 * hub runs it now), follow the targets every hub changes, and take over the deployments whose
 * owner's lease ran out — its hub was killed or cut off. `claim` is a conditional update: of the
 * hubs that see the lapse, one wins; it records a health event, starts the app again (on the same
 * port when free) and checks it. With one hub this is how its apps start again after a restart.
 */
export class DeploymentLeases {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private first = true;
  private readonly starting = new Set<Promise<void>>();

  constructor(
    private readonly store: DeployStore,
    private readonly deployer: Deployer,
    private readonly monitor: HealthMonitor,
    private readonly options: { leaseMs: number; log: HubContext['log'] },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), Math.max(Math.floor(this.options.leaseMs / 3), 100));
    this.timer.unref();
    void this.tick();
  }

  /** One round; a round still running (a slow app start) is not overlapped. */
  tick(): Promise<void> {
    this.ticking ??= this.round()
      .catch((error: unknown) => this.options.log.warn({ error: (error as Error).message }, 'deployments: lease round failed'))
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async round(): Promise<void> {
    const { store, deployer } = this;
    const hub = deployer.hub;
    const owned = new Set(await store.renew(hub, store.leaseClock(), this.options.leaseMs));
    for (const id of deployer.running()) {
      if (owned.has(id)) continue;
      this.options.log.warn({ deployment: id }, 'deployments: another hub took over a deployment this hub ran (its lease had run out); stopping it here');
      await deployer.drop(id);
    }
    this.monitor.sync(await store.targets());
    const first = this.first;
    this.first = false;
    for (const candidate of await store.claimable(hub, store.leaseClock())) {
      // An app of this hub that exited is its health checks' business; at start, this hub's own records are taken back.
      if ((candidate.owner === hub && !first) || deployer.running().includes(candidate.id) || deployer.isBusy(candidate.project, candidate.target)) continue;
      const claimed = await store.claim(candidate.id, hub, store.leaseClock(), this.options.leaseMs, ['running', 'deploying']);
      if (!claimed) continue; // another hub was quicker
      // Not awaited: starting an app can take minutes (a virtual environment), and renewals must go on meanwhile.
      const work = this.takeOver(claimed, candidate.owner)
        .catch((error: unknown) => this.options.log.warn({ deployment: claimed.id, error: (error as Error).message }, 'deployments: could not take a deployment over'))
        .finally(() => this.starting.delete(work));
      this.starting.add(work);
    }
  }

  private async takeOver(claimed: Deployment, previousOwner: string | null): Promise<void> {
    const hub = this.deployer.hub;
    const why = previousOwner === null ? 'no hub ran it' : previousOwner !== hub ? `hub ${previousOwner} stopped renewing its lease` : 'the hub restarted';
    if (claimed.status === 'deploying') {
      await this.deployer.abandon(claimed, `the deploy did not finish: ${why}; deploy again`);
      return;
    }
    this.options.log.info({ deployment: claimed.id, previousOwner }, `deployments: ${why}; hub ${hub} takes the deployment over`);
    await this.monitor.note(claimed, `${why}; hub ${hub} takes the deployment over and starts it again`);
    const reason = previousOwner === hub ? 'started again after a hub restart' : `${why}: started again on hub ${hub}`;
    const restarted = await this.deployer.restart({ project: claimed.project, id: claimed.target }, reason, claimed);
    const target = await this.store.target(claimed.project, claimed.target);
    if (target && restarted.status === 'running') await this.monitor.check(target);
  }

  /** Stops renewing and taking over (after the round and the starts under way); the hub then stops its apps and releases the leases (register.ts). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await Promise.all(this.starting);
  }
}
