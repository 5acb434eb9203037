import { HubError } from '@runtime-hub/protocol';
import type { DeployAnswer, DeployChannel, DeployCommand, DeployOp } from './deploy-channel.js';
import { LEASED } from './deploy-store.js';
import type { Deployment, DeployStore, Target } from './deploy-store.js';
import type { Deployer } from './deployer.js';
import type { HealthMonitor } from './health-monitor.js';

/** How long an asking hub waits for the owner: a deploy may install a virtual environment first. */
const WAIT_MS: Record<DeployOp, number> = { stop: 60_000, check: 60_000, restart: 15 * 60_000, deploy: 15 * 60_000, rollback: 15 * 60_000 };
const WATCH_MS = 1_000;

export interface CommandResult {
  answer: DeployAnswer;
  /** Whether another hub (the owner) carried it out. */
  forwarded: boolean;
}

/**
 * Stop, restart, deploy, rollback and check of a target, carried out by the hub that owns its
 * deployment: here, or — when another hub holds a live lease on it — there, through the deploy
 * channel. The asking hub waits for the answer while the owner's lease holds; a lease that runs
 * out (the owner died) ends the wait with DEPLOY_OWNER_UNREACHABLE, and the lease loop of some hub
 * takes the deployment over (deployment-leases.ts).
 */
export class DeployCommands {
  constructor(
    private readonly deps: { store: DeployStore; deployer: Deployer; monitor: HealthMonitor; channel?: DeployChannel },
  ) {
    deps.channel?.serve((command) => this.local(command));
  }

  /** The live owner of a target's newest leased deployment when it is another hub. */
  private async remoteOwner(project: string, target: string): Promise<Deployment | undefined> {
    const newest = (await this.deps.store.history(project, target, 20)).find((d) => LEASED.includes(d.status));
    if (!newest?.owner || newest.owner === this.deps.deployer.hub || (newest.leaseUntil ?? 0) < this.deps.store.leaseClock()) return undefined;
    return newest;
  }

  async run(command: DeployCommand): Promise<CommandResult> {
    const owned = this.deps.channel && (await this.remoteOwner(command.project, command.target));
    if (!owned || !this.deps.channel) return { answer: await this.local(command), forwarded: false };
    const owner = owned.owner!;
    const controller = new AbortController();
    const deadline = Date.now() + WAIT_MS[command.op];
    const watch = setInterval(() => {
      void this.deps.store.deployment(owned.id).then((now) => {
        if (Date.now() > deadline) controller.abort(new Error(`hub ${owner} did not answer within ${WAIT_MS[command.op] / 1000} s`));
        else if (now?.owner !== owner || (now.leaseUntil ?? 0) < this.deps.store.leaseClock()) controller.abort(new Error(`hub ${owner} stopped renewing its lease on deployment ${owned.id} (it stopped or died); another hub takes the deployment over within seconds: ask again then`));
      }, () => undefined);
    }, WATCH_MS);
    try {
      return { answer: await this.deps.channel.ask(owner, command, controller.signal), forwarded: true };
    } catch (error) {
      throw new HubError('DEPLOY_OWNER_UNREACHABLE', `${command.op} of target "${command.target}" went to hub ${owner}, which runs its deployment: ${(error as Error).message}`);
    } finally {
      clearInterval(watch);
    }
  }

  private async target(command: DeployCommand): Promise<Target> {
    const found = await this.deps.store.target(command.project, command.target);
    if (!found) throw new HubError('DEPLOY_TARGET_NOT_FOUND', `project "${command.project}" has no deployment target "${command.target}" (PUT …/deployments/targets/${command.target} creates it)`);
    return found;
  }

  /** Carries a command out on this hub (asked here, or by another hub through the channel). */
  async local(command: DeployCommand): Promise<DeployAnswer> {
    const { deployer, monitor, store } = this.deps;
    const hub = deployer.hub;
    try {
      const t = await this.target(command);
      switch (command.op) {
        case 'stop':
          return { hub, deployment: (await deployer.stop(t))?.id };
        case 'restart': {
          const restarted = await deployer.restart(t, `restarted on hub ${hub}`);
          if (restarted.status === 'running') void monitor.check(t).catch(() => undefined);
          return { hub, deployment: restarted.id };
        }
        case 'deploy':
        case 'rollback': {
          let version = command.version;
          if (command.op === 'rollback') {
            const earlier = command.deployment ? await store.deployment(command.deployment) : undefined;
            if (!earlier || earlier.project !== t.project || earlier.target !== t.id) throw new HubError('DEPLOYMENT_NOT_FOUND', `target "${t.id}" has no deployment "${command.deployment}"`);
            version = earlier.version;
          }
          const deployment = await deployer.deploy(t, { version, rollbackOf: command.op === 'rollback' ? command.deployment : undefined });
          await deployer.prune(t);
          if (deployment.status === 'running') void monitor.check(t).catch(() => undefined);
          return { hub, deployment: deployment.id };
        }
        case 'check':
          return { hub, check: (await monitor.check(t, { asked: true })) ?? null };
      }
    } catch (error) {
      if (error instanceof HubError) return { hub, error: { code: error.code, message: error.message } };
      throw error;
    }
  }
}
