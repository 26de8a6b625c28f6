import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { guardKind } from './guard';
import { runKind } from './run';
import { ReplicationRunResourceType } from '../../src/private/handler-contract';
import { lifecycleHandlers } from '../handler-kit/lifecycle-handler';

const run = lifecycleHandlers(runKind);
const guard = lifecycleHandlers(guardKind);
const handlersFor = (event: CloudFormationCustomResourceEvent) => (event.ResourceType === ReplicationRunResourceType.GUARD ? guard : run);

/**
 * Replication run provider: one bundle for its two custom resource types, the run
 * (after the config or task) and its pre-update guard (before it).
 */
export const onEvent: typeof run.onEvent = (event, context) => handlersFor(event).onEvent(event, context);
export const isComplete: typeof run.isComplete = (event, context) => handlersFor(event).isComplete(event, context);
