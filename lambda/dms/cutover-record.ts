/**
 * The cut-over's record of what it asked DMS: the stop positions, written before the
 * command stops the replication, so a rerun after a kill tells "stopped by us for
 * cut-over, resume pending" from a stop by anyone else. DMS shows the stop position only
 * once a start took it; between the stop and that start, this record is all there is.
 *
 * It is a `cutover-stop` ask in the record of intent (intent-record.ts), which every later
 * deploy reads too. Cut-overs begun before that kept it in a tag on the replication: read
 * when the record has no cut-over (the transition), never written.
 */
import {
  AddTagsToResourceCommand,
  DatabaseMigrationServiceClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-database-migration-service';
import { apiFailure, isAccessDenied } from './errors';
import { AskedBy, latestAsk, readIntent, recordAsk } from './intent-record';
import type { ReplicationTarget } from './replication-state';

/** What a cut-over asked: its stop positions, in order; the last is the one DMS should hold. */
export interface CutoverIntent {
  readonly positions: readonly string[];
}

/** Where cut-over intents are kept, per replication. */
export interface CutoverRecordStore {
  read(target: ReplicationTarget): Promise<CutoverIntent | undefined>;
  write(target: ReplicationTarget, intent: CutoverIntent): Promise<void>;
}

/** The old tag's key; its value is the positions separated by spaces (tag values allow `: - T` and spaces). */
export const CUTOVER_TAG_KEY = 'cdk-dms-lifecycle:cutover-stop-positions';

/**
 * The record as the latest `cutover-stop` ask of the record of intent (ssm:GetParameter, ssm:PutParameter).
 * Without one, the tag an earlier version wrote is read (dms:ListTagsForResource; denied reads as none).
 * A write records a stop of a running replication (the cut-over stops only one that runs).
 */
export function intentCutoverRecords(by: AskedBy, client: DatabaseMigrationServiceClient): CutoverRecordStore {
  const tags = tagCutoverRecords(client);
  return {
    async read(target) {
      const ask = latestAsk(await readIntent(target.arn), ['cutover-stop']);
      if (ask?.positions?.length) return { positions: ask.positions };
      try {
        return await tags.read(target);
      } catch (err) {
        if (isAccessDenied(err)) return undefined;
        throw err;
      }
    },
    async write(target, intent) {
      await recordAsk(target.arn, { action: 'cutover-stop', from: 'running', positions: intent.positions, by });
    },
  };
}

/** The record as a tag on the replication config or task (dms:AddTagsToResource, dms:ListTagsForResource): before the record of intent. */
export function tagCutoverRecords(client: DatabaseMigrationServiceClient): CutoverRecordStore {
  return {
    async read(target) {
      try {
        const out = await client.send(new ListTagsForResourceCommand({ ResourceArn: target.arn }));
        const value = out.TagList?.find((t) => t.Key === CUTOVER_TAG_KEY)?.Value;
        const positions = value?.split(/\s+/).filter(Boolean) ?? [];
        return positions.length ? { positions } : undefined;
      } catch (err) {
        throw apiFailure('ListTagsForResource', target.arn, err);
      }
    },
    async write(target, intent) {
      try {
        await client.send(new AddTagsToResourceCommand({ ResourceArn: target.arn, Tags: [{ Key: CUTOVER_TAG_KEY, Value: intent.positions.join(' ') }] }));
      } catch (err) {
        throw apiFailure('AddTagsToResource', target.arn, err);
      }
    },
  };
}
