/**
 * The emulator's HTTP server (plain node:http, loopback only). An ARM request goes through: bearer check
 * (401) → injected faults → routing (404/405) → api-version (400) → regional outage (503) → handler, and is
 * recorded in the request log with the status it got. Any unexpected exception still answers a CloudError.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AdminHandler, buildAdminRouter } from './admin';
import type { ArmContext, ArmRoute } from './arm/context';
import { buildArmRouter, regionOfRequest } from './arm/routes';
import { faultResponse } from './faults';
import { ArmError, cloudError, type EmulatorResponse, parseJsonBody, readBody } from './http';
import { newGuid } from './ids';
import { splitPath } from './router';
import { EmulatorState } from './state';

export interface ServerOptions {
  host: string;
  port: number;
  seed: unknown;
  log?: (line: string) => void;
}

export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  close(): Promise<void>;
}

const ADMIN_PREFIX = '/_emulator';

function splitUrl(rawUrl: string): { path: string; query: string } {
  const q = rawUrl.indexOf('?');
  return q < 0 ? { path: rawUrl, query: '' } : { path: rawUrl.slice(0, q), query: rawUrl.slice(q + 1) };
}

function hasBearer(req: IncomingMessage): boolean {
  const header = req.headers.authorization;
  return typeof header === 'string' && /^Bearer\s+\S+/i.test(header);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function send(res: ServerResponse, response: EmulatorResponse, requestId?: string): void {
  const headers: Record<string, string> = { ...response.headers };
  if (requestId) {
    headers['x-ms-request-id'] = requestId;
    headers['x-ms-correlation-request-id'] = requestId;
  }
  if (response.body === undefined) {
    headers['Content-Length'] = '0';
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const payload = JSON.stringify(response.body);
  headers['Content-Type'] = 'application/json; charset=utf-8';
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

function toResponse(err: unknown, log?: (line: string) => void): EmulatorResponse {
  if (err instanceof ArmError) return cloudError(err.status, err.code, err.message, err.headers);
  log?.(`emulator: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return cloudError(500, 'InternalServerError', 'The emulator failed to process the request.');
}

export class EmulatorServer {
  readonly state: EmulatorState;
  private readonly armRouter = buildArmRouter();
  private readonly adminRouter = buildAdminRouter();
  private readonly server: Server;

  constructor(private readonly options: ServerOptions) {
    this.state = new EmulatorState(options.seed);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        // Last resort: the response may be half-written, so only try when nothing was sent yet.
        if (!res.headersSent) send(res, toResponse(err, options.log));
        else res.destroy();
      });
    });
    // Keep-alive sockets must not hold close() open for the default five seconds.
    this.server.keepAliveTimeout = 1000;
  }

  async listen(): Promise<RunningEmulator> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return {
      url: `http://${host}:${port}`,
      port,
      close: () =>
        new Promise<void>((resolve, reject) => {
          this.server.close((err) => (err ? reject(err) : resolve()));
          this.server.closeAllConnections();
        }),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const { path, query } = splitUrl(req.url ?? '/');
    const bodyText = method === 'GET' || method === 'HEAD' ? '' : await readBody(req).catch((err: unknown) => err);
    const body = () => {
      if (bodyText instanceof Error) throw bodyText;
      return parseJsonBody(bodyText as string);
    };
    if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) {
      send(res, this.handleAdmin(method, path, body));
      return;
    }
    const at = new Date().toISOString();
    const requestId = newGuid();
    let response: EmulatorResponse;
    try {
      response = await this.handleArm(req, method, path, query, body);
    } catch (err) {
      response = toResponse(err, this.options.log);
    }
    const clientRequestId = req.headers['x-ms-client-request-id'];
    if (typeof clientRequestId === 'string')
      response.headers = { ...response.headers, 'x-ms-client-request-id': clientRequestId };
    this.state.record({ method, path, query, status: response.status, at });
    send(res, response, requestId);
  }

  private handleAdmin(method: string, path: string, body: () => unknown): EmulatorResponse {
    try {
      const match = this.adminRouter.match(method, path);
      if (!match) return cloudError(404, 'ResourceNotFound', `No admin endpoint ${method} ${path}.`);
      if ('methodNotAllowed' in match)
        return cloudError(405, 'MethodNotAllowed', `${method} is not supported on ${path}.`);
      return (match.handler as AdminHandler)(this.state, body);
    } catch (err) {
      return toResponse(err, this.options.log);
    }
  }

  private async handleArm(
    req: IncomingMessage,
    method: string,
    path: string,
    query: string,
    body: () => unknown,
  ): Promise<EmulatorResponse> {
    if (!hasBearer(req)) {
      return cloudError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing or is not a Bearer token.",
        {
          'WWW-Authenticate': 'Bearer',
        },
      );
    }
    const fault = this.state.faults.take(method, path);
    if (fault) {
      if (fault.latencyMs > 0) await sleep(fault.latencyMs);
      const answer = faultResponse(fault);
      if (answer) return answer;
    }
    const match = this.armRouter.match(method, path);
    if (!match) return cloudError(404, 'ResourceNotFound', `The emulator does not serve ${method} ${path}.`);
    if ('methodNotAllowed' in match) {
      return cloudError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
    }
    const route = match.handler as ArmRoute;
    const params = new URLSearchParams(query);
    const apiVersion = params.get('api-version');
    if (apiVersion !== route.apiVersion) {
      return cloudError(
        400,
        'InvalidApiVersionParameter',
        apiVersion
          ? `The api-version '${apiVersion}' is invalid. The supported version is '${route.apiVersion}'.`
          : `The api-version query parameter is required. The supported version is '${route.apiVersion}'.`,
      );
    }
    const region = regionOfRequest(this.state.world, match.params);
    if (region && this.state.regionsDown.has(region)) {
      return cloudError(
        503,
        'ServiceUnavailable',
        `The service is unavailable in region '${region}'. Please retry later.`,
        {
          'Retry-After': String(this.state.world.settings.retryAfterSeconds),
        },
      );
    }
    const ctx: ArmContext = {
      world: this.state.world,
      params: match.params,
      method,
      path: `/${splitPath(path).join('/')}`,
      query: params,
      origin: `http://${req.headers.host ?? `${this.options.host}:${this.options.port}`}`,
      body,
    };
    return route.handle(ctx);
  }
}
