import { createSecretKey } from 'node:crypto';
import { App, type AppOptions, type CustomRoute, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Logger } from '../core/ports.js';
import { adaptLogger } from './adapt-logger.js';
import type { SlackRetryConfig } from './create-slack-notifier.js';
import { registerActionListeners } from './register-action-listeners.js';
import { registerCommandListeners } from './register-command-listeners.js';
import { registerEventListeners } from './register-event-listeners.js';
import { type SlackHttpServer, serveSlackHttp } from './serve-slack-http.js';
import type { SlackAppHandlers } from './slack-app-handlers.js';

/** Everything src/main passes to build the Slack front end. */
export interface CreateSlackAppOptions {
  /** Required and non-empty, in both modes (fail closed). */
  signingSecret: string;
  botToken: string;
  /** An app-level token (`xapp-…`) switches to Socket Mode. */
  appToken?: string;
  slackApiUrl?: string;
  /** HTTP port (default 3000; 0 picks a free one). In Socket Mode it serves only `/healthz`. */
  port?: number;
  /** Listen address (default: all interfaces). */
  host?: string;
  /** When both are given Bolt skips `auth.test`; otherwise `start()` runs it and fails on a bad token. */
  botId?: string;
  botUserId?: string;
  retryConfig?: SlackRetryConfig;
  logger?: Logger;
  handlers: SlackAppHandlers;
  commandName?: string;
  ackTimeoutMs?: number;
  /** Largest request body accepted (default 1 MiB; larger → 413). */
  bodyLimitBytes?: number;
  /** Largest clock skew into the future accepted on signed requests (default 300 s; beyond → 401). */
  maxFutureSkewSeconds?: number;
  /** Readiness for `GET /healthz` (default: always ready). */
  healthCheck?: () => boolean | Promise<boolean>;
}

/** The running Slack front end. */
export interface SlackApp {
  readonly app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The bound HTTP port once started in HTTP mode. */
  readonly port: number | undefined;
}

function healthRoute(check: CreateSlackAppOptions['healthCheck']): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      Promise.resolve(check ? check() : true)
        .catch(() => false)
        .then((ok) => {
          res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
        });
    },
  };
}

/**
 * Builds the Bolt app: HTTP mode (Bolt's HTTPReceiver on `POST /slack/events` and `GET /healthz`, behind
 * verifyIncomingRequest: body limit, timestamp window, signature) or Socket Mode when `appToken` is given.
 * Registers the `/debug`, `app_mention` (`@bot debug …` in threads), Cancel-button and approval-card
 * (Approve / Deny / Cancel request) listeners.
 */
export function createSlackApp(options: CreateSlackAppOptions): SlackApp {
  if (options.signingSecret.trim() === '')
    throw new Error('the Slack signing secret is empty; refusing to start');
  if (options.botToken.trim() === '') throw new Error('the Slack bot token is empty; refusing to start');
  const socketMode = options.appToken !== undefined;
  if (socketMode && options.appToken!.trim() === '') throw new Error('the Slack app token is empty');

  const logger = options.logger ? adaptLogger(options.logger, LogLevel.INFO) : undefined;
  const endpoints = ['/slack/events'];
  const bodyLimitBytes = options.bodyLimitBytes ?? 1024 * 1024;
  const customRoutes = [healthRoute(options.healthCheck)];
  const verifyLater = options.botId === undefined || options.botUserId === undefined;
  const common: AppOptions = {
    token: options.botToken,
    // The bot keeps no per-conversation state; Bolt's in-memory store would only cost time per request.
    convoStore: false,
    ...(options.botId ? { botId: options.botId } : {}),
    ...(options.botUserId ? { botUserId: options.botUserId } : {}),
    deferInitialization: verifyLater,
    clientOptions: {
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
      ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
    },
    ...(logger ? { logger } : {}),
  };

  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: options.signingSecret,
        // Off only because verifyIncomingRequest has checked every request Bolt can receive (any method
        // but GET/HEAD, any path) before handing it over, and refuses the rest itself.
        signatureVerification: false,
        endpoints,
        customRoutes,
        bodyLimit: bodyLimitBytes,
        ...(logger ? { logger } : {}),
      });
  const app = receiver
    ? new App({ ...common, receiver })
    : new App({
        ...common,
        socketMode: true,
        appToken: options.appToken!,
        signingSecret: options.signingSecret,
        customRoutes,
        port: options.port ?? 3000,
      });

  app.error(async (error) => {
    options.logger?.error({ code: (error as { code?: string }).code }, 'unhandled error in a Slack listener');
  });
  registerCommandListeners(app, {
    handlers: options.handlers,
    ...(options.commandName ? { commandName: options.commandName } : {}),
    ...(options.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: options.ackTimeoutMs }),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const logging = options.logger ? { logger: options.logger } : {};
  registerEventListeners(app, { handlers: options.handlers, ...logging });
  registerActionListeners(app, { handlers: options.handlers, ...logging });

  let server: SlackHttpServer | undefined;

  async function start(): Promise<void> {
    if (verifyLater) await app.init();
    if (!receiver) {
      await app.start();
      return;
    }
    server = await serveSlackHttp({
      receiver,
      verify: {
        signingSecret: createSecretKey(Buffer.from(options.signingSecret)),
        bodyLimitBytes,
        maxFutureSkewSeconds: options.maxFutureSkewSeconds ?? 300,
      },
      port: options.port ?? 3000,
      ...(options.host ? { host: options.host } : {}),
      boltLogger: app.logger,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  async function stop(): Promise<void> {
    if (!receiver) {
      await app.stop();
      return;
    }
    const closing = server;
    server = undefined;
    await closing?.stop();
  }

  return {
    app,
    start,
    stop,
    get port() {
      return server?.port;
    },
  };
}
