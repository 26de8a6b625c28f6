import { DmsEmulator } from '../dms-emulator';
import { CreatedDmsResources } from './emulated-account';

/**
 * Watches the emulated DMS and reports status changes (refreshes, connection
 * tests, replications), so the demo shows what the custom resources wait for.
 */
export class DmsWatcher {
  private readonly last = new Map<string, string>();
  private timer?: NodeJS.Timeout;

  public constructor(
    private readonly emulator: DmsEmulator,
    private readonly created: CreatedDmsResources,
    private readonly report: (subject: string, status: string) => void,
  ) {}

  public start(intervalMs = 250): void {
    this.timer = setInterval(() => this.poll(), intervalMs);
  }

  public stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.poll();
  }

  /** Reports what changed since the last look (also called before each CloudFormation event, so DMS's side comes first). */
  public poll(): void {
    for (const endpoint of this.created.endpoints) {
      this.note(`schema refresh of ${shortName(endpoint)}`, this.emulator.refreshStatus(endpoint)?.Status);
      for (const instance of this.created.instances) {
        this.note(`connection ${shortName(instance)} → ${shortName(endpoint)}`, this.emulator.connection(endpoint, instance)?.Status);
      }
    }
    for (const arn of this.created.replicationConfigs) this.note(`serverless replication ${shortName(arn)}`, this.emulator.replication(arn)?.Status);
    for (const arn of this.created.replicationTasks) this.note(`replication task ${shortName(arn)}`, this.emulator.replicationTask(arn)?.Status);
  }

  private note(subject: string, status: string | undefined): void {
    if (!status || this.last.get(subject) === status) return;
    this.last.set(subject, status);
    this.report(subject, status);
  }
}

/** `arn:aws:dms:…:endpoint:SOURCE1234` → `endpoint:SOURCE1234`. */
export function shortName(arn: string): string {
  return arn.split(':').slice(-2).join(':');
}
