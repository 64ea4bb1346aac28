/** The node:http listener shared by REST, the control API and WebSocket upgrades; can stop and listen again. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface HttpHandlers {
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export class HttpFront {
  private server: Server | undefined;

  constructor(private readonly handlers: HttpHandlers) {}

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Listens on host:port (0 = any free port) and resolves with the bound port. */
  listen(host: string, port: number): Promise<number> {
    if (this.server !== undefined) return Promise.reject(new Error('emulator HTTP server is already listening'));
    const server = createServer((req, res) => this.handlers.onRequest(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.handlers.onUpgrade(req, socket, head));
    server.on('clientError', (_err, socket) => socket.destroy());
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        this.server = server;
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops listening and destroys every HTTP connection (upgraded sockets are the WS hub's job). */
  stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** A response: status, JSON body, extra headers. */
export interface JsonReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/** Writes a JSON reply (no-op if the response is already gone); a string body goes out as text/plain. */
export function sendJson(res: ServerResponse, reply: JsonReply, method: string): void {
  if (res.destroyed || res.writableEnded) return;
  const text = reply.headers?.['Content-Type']?.startsWith('text/') === true;
  const body = text ? String(reply.body) : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': Buffer.byteLength(body),
    ...reply.headers,
  });
  res.end(method === 'HEAD' ? undefined : body);
}

const MAX_BODY = 10 * 1024 * 1024;

/** The request body as UTF-8 text (at most 10 MB). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
