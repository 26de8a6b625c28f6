/** Messages between the bench (parent) and a trial worker (child process running one driver). */
import type { CustomResourceStats } from '../lifecycle';

/** The package the worker loads before the trial, so that no trial pays for it mid-measurement. */
export const WARM_UP_PACKAGE = '@aws-sdk/client-database-migration-service';

/** One deployment of a trial stack. */
export interface TrialAssignment {
  readonly assemblyDir: string;
  readonly stackName: string;
  /** The custom resource whose CREATE_COMPLETE is timed. */
  readonly logicalId: string;
  /** Template parameter values (the trial's endpoint and instance ARNs). */
  readonly parameters: Record<string, string>;
  /** The emulator's environment for the handlers. */
  readonly env: Record<string, string>;
  readonly runtimeModulesDir: string;
}

/** What a worker reports after its deployment. */
export interface TrialOutcome {
  readonly status: string;
  readonly failures: { logicalId: string; reason: string }[];
  /** Epoch ms when deploy() was called. */
  readonly deployStartedAt: number;
  /** Epoch ms when the driver emitted CREATE_COMPLETE for the custom resource. */
  readonly completeAt?: number;
  readonly stats?: CustomResourceStats;
}

export type ToWorker = { type: 'prepare'; trial: TrialAssignment } | { type: 'go' };
export type FromWorker = { type: 'ready' } | { type: 'done'; outcome: TrialOutcome } | { type: 'error'; message: string };
