/**
 * The cut-over's record of what it asked DMS: the stop positions, written on the
 * replication itself (a tag) before the command stops it, so a rerun after a kill tells
 * "stopped by us for cut-over, resume pending" from a stop by anyone else. DMS shows
 * the stop position only once a start took it; between the stop and that start, this
 * record is all there is.
 *
 * One small interface, so another store (a durable intent record) can replace the tag.
 */
import {
  AddTagsToResourceCommand,
  DatabaseMigrationServiceClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-database-migration-service';
import { apiFailure } from './errors';
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

/** The tag's key; its value is the positions separated by spaces (tag values allow `: - T` and spaces). */
export const CUTOVER_TAG_KEY = 'cdk-dms-lifecycle:cutover-stop-positions';

/** The record as a tag on the replication config or task (dms:AddTagsToResource, dms:ListTagsForResource). */
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
