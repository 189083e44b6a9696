import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPModuleFunctions, type HTTPReceiver, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../core/ports.js';
import { sampleRefusals } from './sample-refusals.js';
import {
  refuseDeclaredOversize,
  type VerifyRequestOptions,
  verifyIncomingRequest,
} from './verify-incoming-request.js';

export interface SlackHttpOptions {
  /** Bolt's receiver (signature check off: verifyIncomingRequest runs first for everything it serves). */
  receiver: HTTPReceiver;
  verify: VerifyRequestOptions;
  port: number;
  host?: string;
  /** Bolt's logger, for its dispatch error handler (unknown paths → 404). */
  boltLogger: SlackLogger;
  logger?: Logger;
}

/** The listening HTTP front end: stop() and the bound port. */
export interface SlackHttpServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Serves Slack's HTTP endpoint: every request passes verifyIncomingRequest (including `Expect:
 * 100-continue` ones, refused before the body is sent when the declared size is over the limit), then
 * Bolt's HTTPReceiver routes it (`POST /slack/events`, `GET /healthz`, anything else 404).
 */
export async function serveSlackHttp(options: SlackHttpOptions): Promise<SlackHttpServer> {
  const { receiver, verify } = options;
  const refused = sampleRefusals(options.logger);
  const dispatch = (req: IncomingMessage, res: ServerResponse) => {
    try {
      receiver.requestListener(req, res);
    } catch (error) {
      HTTPModuleFunctions.defaultDispatchErrorHandler({
        error: error as Error,
        logger: options.boltLogger,
        request: req,
        response: res,
      });
    }
  };
  const handle = (req: IncomingMessage, res: ServerResponse) =>
    verifyIncomingRequest(req, res, verify, (verified) => dispatch(verified, res), refused);

  const server: Server = createServer(handle);
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (refuseDeclaredOversize(req, res, verify, refused)) return;
    res.writeContinue();
    handle(req, res);
  });
  // Slack's requests are small and quick; a slow body is cut instead of holding a socket for minutes.
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    async stop() {
      // In-flight requests get a moment; connections left hanging (e.g. a refused body still arriving) are cut.
      const force = setTimeout(() => server.closeAllConnections(), 1000);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearTimeout(force);
    },
  };
}
