/**
 * A CloudFormation stand-in that answers `DescribeStacks`, `ListStackResources` and `GetTemplate` (AWS Query
 * protocol) with the lifecycle driver's live stack, so handlers that ask "is my stack rolling
 * back?" or "is this ARN still a resource of my stack?" get a real answer.
 */
import { randomUUID } from 'crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { readBody } from '../http-request-body';

/** The CloudFormation API version of the Query protocol. */
export const CLOUDFORMATION_API_VERSION = '2010-05-15';
const XML_NAMESPACE = `http://cloudformation.amazonaws.com/doc/${CLOUDFORMATION_API_VERSION}/`;

/** A stack as DescribeStacks shows it. */
export interface StackDescription {
  readonly stackId: string;
  readonly stackName: string;
  readonly stackStatus: string;
  readonly stackStatusReason?: string;
  /** Epoch milliseconds. */
  readonly creationTime: number;
  /** Epoch milliseconds of the last update, if any. */
  readonly lastUpdatedTime?: number;
  readonly disableRollback?: boolean;
  /** The stack-level RetainExceptOnCreate flag. */
  readonly retainExceptOnCreate?: boolean;
}

/** A stack resource as ListStackResources shows it. */
export interface StackResourceSummary {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  readonly resourceStatus: string;
}

/** What the endpoint serves, asked on every request. */
export interface StackSource {
  stacks(): readonly StackDescription[];
  /** The resources of the stack with this id (live stacks only). */
  resources(stackId: string): readonly StackResourceSummary[];
  /** The template GetTemplate answers for the stack with this id (undefined: none). */
  template(stackId: string): object | undefined;
}

/** One request the endpoint answered. */
export interface CloudFormationCall {
  /** The Query protocol `Action`, e.g. DescribeStacks. */
  readonly action: string;
  /** The `StackName` parameter (a name or a stack id), if given. */
  readonly stackName?: string;
  /** Wall-clock epoch ms of arrival. */
  readonly at: number;
  /** The StackStatus answered (DescribeStacks of one stack), or the error code. */
  readonly stackStatus?: string;
  readonly errorCode?: string;
}

/** Resources per ListStackResources page: CloudFormation's own page size. */
const RESOURCES_PER_PAGE = 100;

class QueryError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
  }
}

/**
 * `DescribeStacks`, `ListStackResources` and `GetTemplate` over HTTP on 127.0.0.1, for `AWS_ENDPOINT_URL_CLOUDFORMATION`.
 *
 * `ListStackResources` pages by {@link resourcesPerPage} with `NextToken`. `StackName` matches a stack id (any stack, deleted ones included, as in CloudFormation) or a
 * stack name (live stacks only); without it, all live stacks are listed. An unknown stack answers
 * HTTP 400 `ValidationError` "Stack with id X does not exist". Other actions answer `InvalidAction`.
 * Requests are not authenticated. The server does not keep the process alive.
 */
export class CloudFormationEndpoint {
  /** Listens on a free port of 127.0.0.1; `source` is asked on every request. */
  public static async start(source: StackSource): Promise<CloudFormationEndpoint> {
    const endpoint = new CloudFormationEndpoint(source);
    await new Promise<void>((resolve, reject) => {
      endpoint.server.once('error', reject);
      endpoint.server.listen(0, '127.0.0.1', () => {
        endpoint.server.off('error', reject);
        resolve();
      });
    });
    // Neither the endpoint nor its idle keep-alive connections hold the process (a driver need not be disposed).
    endpoint.server.unref();
    endpoint.server.on('connection', (socket) => socket.unref());
    return endpoint;
  }

  /** Every request answered, in arrival order. */
  private episode: (() => boolean) | undefined;
  public readonly calls: CloudFormationCall[] = [];
  /** Page size of ListStackResources (tests shrink it to exercise NextToken). */
  public resourcesPerPage = RESOURCES_PER_PAGE;
  private readonly server: Server;
  private closing?: Promise<void>;
  /** Errors queued per action, answered before the action runs. */
  private readonly faults = new Map<string, { code: string; status: number; remaining: number }[]>();

  private constructor(private readonly source: StackSource) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * The next `times` requests of `action` answer `code` (e.g. `Throttling`, HTTP 400, or
   * `InternalFailure`, HTTP 500) instead of running.
   */
  public failNext(action: string, code: string, times: number, status = code === 'InternalFailure' ? 500 : 400): void {
    const queue = this.faults.get(action) ?? [];
    queue.push({ code, status, remaining: times });
    this.faults.set(action, queue);
  }

  /**
   * While `throttled()` answers true, every request answers `Throttling` (HTTP 400, "Rate
   * exceeded"): a throttling episode of a busy account, timed by the caller's clock.
   */
  public throttleWhile(throttled: () => boolean): void {
    this.episode = throttled;
  }

  /** Stops listening and drops open connections. Safe to call twice. */
  public close(): Promise<void> {
    if (!this.closing) {
      this.closing = new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
    }
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const body = await readBody(req);
    // The Query protocol takes parameters from a form-encoded POST body or a GET query string.
    const params = new URLSearchParams(req.method === 'POST' ? body : new URL(req.url ?? '/', 'http://localhost').search);
    const action = params.get('Action') ?? '';
    const stackName = params.get('StackName') ?? undefined;
    const requestId = randomUUID();
    try {
      this.takeFault(action);
      if (action === 'DescribeStacks') {
        const stacks = this.describe(stackName);
        this.calls.push({ action, stackName, at, stackStatus: stackName !== undefined ? stacks[0].stackStatus : undefined });
        send(res, 200, requestId, describeStacksXml(stacks, requestId));
      } else if (action === 'ListStackResources') {
        if (!stackName) throw new QueryError(400, 'ValidationError', '1 validation error detected: Value null at \'stackName\' failed to satisfy constraint: Member must not be null');
        const stack = this.describe(stackName)[0];
        if (stack.stackStatus === 'DELETE_COMPLETE') throw new QueryError(400, 'ValidationError', `Stack with id ${stackName} does not exist`);
        const all = this.source.resources(stack.stackId);
        const start = Number(params.get('NextToken') ?? 0);
        if (!Number.isInteger(start) || start < 0 || start > all.length) throw new QueryError(400, 'ValidationError', 'Invalid NextToken');
        const end = start + this.resourcesPerPage;
        this.calls.push({ action, stackName, at });
        send(res, 200, requestId, listStackResourcesXml(all.slice(start, end), end < all.length ? String(end) : undefined, requestId));
      } else if (action === 'GetTemplate') {
        if (!stackName) throw new QueryError(400, 'ValidationError', 'Either StackName or ChangeSetName must be specified');
        const template = this.source.template(this.describe(stackName)[0].stackId);
        if (!template) throw new QueryError(400, 'ValidationError', `Stack with id ${stackName} does not exist`);
        this.calls.push({ action, stackName, at });
        send(res, 200, requestId, getTemplateXml(template, requestId));
      } else {
        throw new QueryError(400, 'InvalidAction', `Could not find operation ${action || '(no Action)'} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
      }
    } catch (e) {
      const error = e instanceof QueryError ? e : new QueryError(500, 'InternalFailure', String(e), 'Receiver');
      this.calls.push({ action, stackName, at, errorCode: error.code });
      send(res, error.status, requestId, errorXml(error, requestId));
    }
  }

  private takeFault(action: string): void {
    if (this.episode?.()) throw new QueryError(400, 'Throttling', 'Rate exceeded');
    const queue = this.faults.get(action);
    const head = queue?.[0];
    if (!queue || !head) return;
    if (--head.remaining <= 0) queue.shift();
    throw new QueryError(head.status, head.code, head.code === 'Throttling' ? 'Rate exceeded' : `Injected ${head.code}`, head.status >= 500 ? 'Receiver' : 'Sender');
  }

  private describe(stackName: string | undefined): StackDescription[] {
    const all = this.source.stacks();
    const live = all.filter((s) => s.stackStatus !== 'DELETE_COMPLETE');
    if (stackName === undefined || stackName === '') return live;
    const found = all.find((s) => s.stackId === stackName) ?? live.find((s) => s.stackName === stackName);
    if (!found) throw new QueryError(400, 'ValidationError', `Stack with id ${stackName} does not exist`);
    return [found];
  }
}

/** The DescribeStacks response body, as CloudFormation sends it (members the SDK reads by name). */
export function describeStacksXml(stacks: readonly StackDescription[], requestId: string): string {
  const members = stacks.map((s) => [
    '<member>',
    element('StackId', s.stackId),
    element('StackName', s.stackName),
    element('CreationTime', new Date(s.creationTime).toISOString()),
    s.lastUpdatedTime !== undefined ? element('LastUpdatedTime', new Date(s.lastUpdatedTime).toISOString()) : '',
    element('StackStatus', s.stackStatus),
    s.stackStatusReason !== undefined ? element('StackStatusReason', s.stackStatusReason) : '',
    element('DisableRollback', String(s.disableRollback ?? false)),
    element('RetainExceptOnCreate', String(s.retainExceptOnCreate ?? false)),
    '</member>',
  ].join(''));
  return `<DescribeStacksResponse xmlns="${XML_NAMESPACE}">`
    + `<DescribeStacksResult><Stacks>${members.join('')}</Stacks></DescribeStacksResult>`
    + `<ResponseMetadata>${element('RequestId', requestId)}</ResponseMetadata>`
    + '</DescribeStacksResponse>';
}

/** The ListStackResources response body. */
function listStackResourcesXml(resources: readonly StackResourceSummary[], nextToken: string | undefined, requestId: string): string {
  const members = resources.map((r) => [
    '<member>',
    element('LogicalResourceId', r.logicalId),
    r.physicalId !== undefined ? element('PhysicalResourceId', r.physicalId) : '',
    element('ResourceType', r.resourceType),
    element('LastUpdatedTimestamp', new Date().toISOString()),
    element('ResourceStatus', r.resourceStatus),
    '</member>',
  ].join(''));
  return `<ListStackResourcesResponse xmlns="${XML_NAMESPACE}">`
    + `<ListStackResourcesResult><StackResourceSummaries>${members.join('')}</StackResourceSummaries>`
    + (nextToken !== undefined ? element('NextToken', nextToken) : '')
    + '</ListStackResourcesResult>'
    + `<ResponseMetadata>${element('RequestId', requestId)}</ResponseMetadata>`
    + '</ListStackResourcesResponse>';
}

/** The GetTemplate response body: the template as JSON text. */
function getTemplateXml(template: object, requestId: string): string {
  return `<GetTemplateResponse xmlns="${XML_NAMESPACE}">`
    + `<GetTemplateResult>${element('TemplateBody', JSON.stringify(template))}`
    + '<StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable></GetTemplateResult>'
    + `<ResponseMetadata>${element('RequestId', requestId)}</ResponseMetadata>`
    + '</GetTemplateResponse>';
}

function errorXml(error: QueryError, requestId: string): string {
  return `<ErrorResponse xmlns="${XML_NAMESPACE}">`
    + `<Error>${element('Type', error.type)}${element('Code', error.code)}${element('Message', error.message)}</Error>`
    + element('RequestId', requestId)
    + '</ErrorResponse>';
}

function element(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }[c]!));
}

function send(res: ServerResponse, status: number, requestId: string, xml: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/xml');
  res.setHeader('Content-Length', Buffer.byteLength(xml));
  res.setHeader('x-amzn-RequestId', requestId);
  res.end(xml);
}

