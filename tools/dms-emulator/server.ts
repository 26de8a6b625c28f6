import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { nowMs } from './clock';
import { DmsError, httpStatusFor, throttled } from './dms-error';
import { CONNECTION_DROPPED, Fault } from './faults';
import { EmulatorCall } from './options';
import { callerOf } from './rate-limit';
import { RequestInput } from './request-input';
import { readBody } from '../http-request-body';

/**
 * X-Amz-Target is `<prefix><Operation>`: DMS's (JSON 1.1), CloudWatch's (JSON 1.0, for the CDC
 * latency metrics) or SSM's (JSON 1.1, Parameter Store: the record of intent).
 */
const TARGETS = {
  'AmazonDMSv20160101.': { service: 'dms', contentType: 'application/x-amz-json-1.1' },
  'GraniteServiceVersion20100801.': { service: 'cloudwatch', contentType: 'application/x-amz-json-1.0' },
  'AmazonSSM.': { service: 'ssm', contentType: 'application/x-amz-json-1.1' },
} as const;

/** The AWS service a request is for. */
export type EmulatedService = (typeof TARGETS)[keyof typeof TARGETS]['service'];

/** Runs one operation; throws DmsError for a DMS error answer. */
export type OperationDispatcher = (operation: string, input: RequestInput, service: EmulatedService) => object;

export interface DmsHttpServerOptions {
  readonly port: number;
  readonly latencyMs: number;
  readonly dispatch: OperationDispatcher;
  /** The injected fault the request must suffer, if any (consumed); asked once the body parsed. */
  readonly takeFault: (operation: string, input?: RequestInput) => Fault | undefined;
  /** False when the account's API rate is used up for this caller's call (answered ThrottlingException). */
  readonly admit?: (caller: string, atMs: number) => boolean;
  /** Told about every request once its answer is decided. */
  readonly record: (call: EmulatorCall) => void;
}

interface Answer {
  readonly status: number;
  readonly body: object;
  readonly errorCode?: string;
}

/** The HTTP side of the emulator: AWS JSON 1.1 framing, routing by X-Amz-Target, error encoding. */
export class DmsHttpServer {
  /** Listens on 127.0.0.1 and resolves once the port is bound. */
  static async listen(options: DmsHttpServerOptions): Promise<DmsHttpServer> {
    const dmsServer = new DmsHttpServer(options);
    await new Promise<void>((resolve, reject) => {
      dmsServer.server.once('error', reject);
      dmsServer.server.listen(options.port, '127.0.0.1', () => {
        dmsServer.server.off('error', reject);
        resolve();
      });
    });
    return dmsServer;
  }

  private readonly server: Server;
  private closing?: Promise<void>;
  /** Answers held back (latency, delayNext): each entry abandons its wait and drops the socket. */
  private readonly waiting = new Set<() => void>();

  private constructor(private readonly options: DmsHttpServerOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /**
   * Stops listening, lets requests in flight finish, drops idle keep-alive sockets, and drops
   * the connections of answers still held back (so a long delay never holds close() up).
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = new Promise<void>((resolve, reject) => {
        this.server.close(err => (err ? reject(err) : resolve()));
        this.server.closeIdleConnections();
        [...this.waiting].forEach(abandon => abandon());
      });
    }
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = nowMs();
    const body = await readBody(req);
    const target = headerValue(req, 'x-amz-target') ?? '';
    const prefix = (Object.keys(TARGETS) as (keyof typeof TARGETS)[]).find(p => target.startsWith(p));
    const operation = prefix ? target.slice(prefix.length) : target;
    const { service, contentType } = TARGETS[prefix ?? 'AmazonDMSv20160101.'];
    const region = signingRegion(req);
    let input: RequestInput | undefined;
    let fault: Fault | undefined;
    let answer: Answer;
    try {
      if (req.method !== 'POST' || !prefix) {
        throw new DmsError('UnknownOperationException', `Unknown operation: ${target || '(no X-Amz-Target header)'}`);
      }
      input = parseBody(body);
      // DMS's account-wide rate is DMS's own: CloudWatch calls do not draw on it.
      if (service === 'dms' && this.options.admit && !this.options.admit(callerOf(headerValue(req, 'authorization')), at)) throw throttled();
      fault = this.options.takeFault(operation, input);
      if (fault?.kind === 'error') throw fault.error;
      if (fault?.kind === 'drop') {
        this.options.record({ operation, input, at, errorCode: CONNECTION_DROPPED, signingRegion: region });
        res.destroy();
        return;
      }
      answer = { status: 200, body: this.options.dispatch(operation, input, service) };
    } catch (e) {
      answer = errorAnswer(e);
    }
    const delayMs = fault?.kind === 'delay' ? fault.ms : undefined;
    this.options.record({ operation, input, at, errorCode: answer.errorCode, signingRegion: region, ...(delayMs !== undefined ? { delayMs } : {}) });
    const holdMs = this.options.latencyMs + (delayMs ?? 0);
    if (holdMs > 0 && !(await this.holdBack(res, holdMs))) return;
    send(res, answer, contentType, this.closing !== undefined);
  }

  /**
   * Waits `ms` before an answer; false if there is nobody left to answer: the client hung up
   * (e.g. its request timeout fired) or the server is closing (the socket is then dropped).
   */
  private holdBack(res: ServerResponse, ms: number): Promise<boolean> {
    // Already closing: answer at once (with Connection: close) rather than hold close() up.
    if (this.closing) return Promise.resolve(true);
    return new Promise<boolean>(resolve => {
      const finish = (answer: boolean) => {
        clearTimeout(timer);
        res.off('close', onClientGone);
        this.waiting.delete(abandon);
        resolve(answer);
      };
      const onClientGone = () => finish(false);
      const abandon = () => {
        finish(false);
        res.destroy();
      };
      const timer = setTimeout(() => finish(!res.destroyed), ms);
      res.on('close', onClientGone);
      this.waiting.add(abandon);
    });
  }
}

function errorAnswer(e: unknown): Answer {
  const error = e instanceof DmsError
    ? e
    : new DmsError('InternalFailure', `DmsEmulator bug: ${e instanceof Error ? e.message : String(e)}`);
  return {
    status: httpStatusFor(error.code),
    body: { __type: error.code, message: error.message },
    errorCode: error.code,
  };
}

function send(res: ServerResponse, answer: Answer, contentType: string, closing: boolean): void {
  const payload = JSON.stringify(answer.body);
  res.statusCode = answer.status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  res.setHeader('x-amzn-RequestId', randomUUID());
  if (answer.errorCode) res.setHeader('x-amzn-errortype', answer.errorCode);
  // Once closing, tell keep-alive clients to hang up so close() can finish.
  if (closing) res.setHeader('Connection', 'close');
  res.end(payload);
}

function parseBody(body: string): RequestInput {
  // The SDK always sends at least `{}`; treat an empty body the same way.
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw new DmsError('SerializationException', `Could not parse request body: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DmsError('SerializationException', 'Request body must be a JSON object');
  }
  return parsed as RequestInput;
}


/** The region the SDK signed for (SigV4 credential scope: key/date/region/service/aws4_request). */
function signingRegion(req: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(headerValue(req, 'authorization') ?? '')?.[1];
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
