import { checkMessageShape, type ShapeOptions } from './check-message-shape.js';

/** A message the fake holds, with every update applied in order. */
export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown[];
  /** Ids of files shared by this message (file uploads completed into a channel/thread). */
  fileIds: string[];
  /** Each `chat.update` applied to this message, in order. */
  updates: Array<{ text?: string; blocks?: unknown[]; at: number }>;
}

/** A file upload, from `files.getUploadURLExternal` to `files.completeUploadExternal`. */
export interface FakeUpload {
  fileId: string;
  filename: string;
  /** Byte length the client declared. */
  length: number;
  content?: Buffer;
  title?: string;
  completed: boolean;
  channelId?: string;
  threadTs?: string;
}

export interface FakeUser {
  id: string;
  name: string;
  email?: string;
  isBot?: boolean;
  teamId?: string;
}

/** What `usergroups.list` tells about a group besides its members (keyed by group id). */
export interface FakeUsergroupInfo {
  /** Mention handle without `@`; default the id in lower case. */
  handle?: string;
  name?: string;
  /** Disabled groups are listed only with `include_disabled`. */
  disabled?: boolean;
}

/** A Slack-style answer: `ok:false` with an error, or `ok:true` with data. */
export type MethodResult =
  | { ok: true; [key: string]: unknown }
  | { ok: false; error: string; [key: string]: unknown };

type Args = Record<string, unknown>;

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The fake's data and Web API methods (no HTTP here). */
export class FakeSlackState {
  readonly messages: FakeMessage[] = [];
  readonly uploads: FakeUpload[] = [];
  #seq = 0;

  constructor(
    readonly origin: () => string,
    readonly identity: { teamId: string; botUserId: string; botId: string },
    readonly users: FakeUser[],
    readonly usergroups: Record<string, string[]>,
    readonly shape: ShapeOptions,
    readonly usergroupInfo: Record<string, FakeUsergroupInfo> = {},
  ) {}

  #nextTs(): string {
    this.#seq++;
    return `${1_700_000_000 + this.#seq}.${String(this.#seq).padStart(6, '0')}`;
  }

  #post(args: Args, ephemeral: boolean): MethodResult {
    const channel = str(args.channel);
    if (!channel || !CHANNEL_ID.test(channel)) return { ok: false, error: 'channel_not_found' };
    if (ephemeral && !str(args.user)) return { ok: false, error: 'user_not_found' };
    const problem = checkMessageShape(args, this.shape);
    if (problem)
      return { ok: false, error: problem.error, response_metadata: { messages: problem.messages } };
    const ts = this.#nextTs();
    if (ephemeral) return { ok: true, message_ts: ts };
    const message: FakeMessage = { channel, ts, fileIds: [], updates: [] };
    const threadTs = str(args.thread_ts);
    if (threadTs) message.threadTs = threadTs;
    if (typeof args.text === 'string') message.text = args.text;
    if (Array.isArray(args.blocks)) message.blocks = args.blocks;
    this.messages.push(message);
    return {
      ok: true,
      channel,
      ts,
      message: { type: 'message', text: message.text ?? '', ts, bot_id: this.identity.botId },
    };
  }

  #update(args: Args): MethodResult {
    const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
    if (!message) return { ok: false, error: 'message_not_found' };
    const problem = checkMessageShape(args, this.shape);
    if (problem)
      return { ok: false, error: problem.error, response_metadata: { messages: problem.messages } };
    const update: FakeMessage['updates'][number] = { at: Date.now() };
    if (typeof args.text === 'string') update.text = args.text;
    if (Array.isArray(args.blocks)) update.blocks = args.blocks;
    message.updates.push(update);
    return { ok: true, channel: message.channel, ts: message.ts, text: update.text ?? message.text ?? '' };
  }

  #getUploadUrl(args: Args): MethodResult {
    const filename = str(args.filename);
    const length = Number(args.length);
    if (!filename) return { ok: false, error: 'invalid_arguments' };
    if (!Number.isInteger(length) || length < 1) return { ok: false, error: 'invalid_arguments' };
    const fileId = `F${String(this.uploads.length + 1).padStart(8, '0')}`;
    this.uploads.push({ fileId, filename, length, completed: false });
    return { ok: true, upload_url: `${this.origin()}/upload/${fileId}`, file_id: fileId };
  }

  /** Stores the bytes POSTed to an upload URL; false when the id is unknown. */
  receiveUpload(fileId: string, content: Buffer): boolean {
    const upload = this.uploads.find((u) => u.fileId === fileId);
    if (!upload) return false;
    upload.content = content;
    return true;
  }

  #completeUpload(args: Args): MethodResult {
    const files = Array.isArray(args.files) ? (args.files as Array<{ id?: string; title?: string }>) : [];
    if (files.length === 0) return { ok: false, error: 'invalid_arguments' };
    const uploads = files.map((f) => this.uploads.find((u) => u.fileId === f.id && u.content !== undefined));
    if (uploads.some((u) => u === undefined)) return { ok: false, error: 'file_not_found' };
    const channelId = str(args.channel_id);
    if (channelId && !CHANNEL_ID.test(channelId)) return { ok: false, error: 'channel_not_found' };
    const threadTs = str(args.thread_ts);
    files.forEach((f, i) => {
      const upload = uploads[i]!;
      upload.completed = true;
      if (f.title) upload.title = f.title;
      if (channelId) upload.channelId = channelId;
      if (channelId && threadTs) upload.threadTs = threadTs;
    });
    if (channelId) {
      const share: FakeMessage = {
        channel: channelId,
        ts: this.#nextTs(),
        fileIds: uploads.map((u) => u!.fileId),
        updates: [],
      };
      if (threadTs) share.threadTs = threadTs;
      if (typeof args.initial_comment === 'string') share.text = args.initial_comment;
      this.messages.push(share);
    }
    return {
      ok: true,
      files: uploads.map((u) => ({ id: u!.fileId, title: u!.title ?? u!.filename, name: u!.filename })),
    };
  }

  #userInfo(user: FakeUser | undefined, error: string): MethodResult {
    if (!user) return { ok: false, error };
    return {
      ok: true,
      user: {
        id: user.id,
        team_id: user.teamId ?? this.identity.teamId,
        name: user.name,
        is_bot: user.isBot ?? false,
        profile: { email: user.email, display_name: user.name },
      },
    };
  }

  #listUsergroups(args: Args): MethodResult {
    const flag = (value: unknown) => value === true || value === 'true' || value === '1';
    const usergroups = Object.entries(this.usergroups)
      .filter(([id]) => flag(args.include_disabled) || !this.usergroupInfo[id]?.disabled)
      .map(([id, members]) => {
        const info = this.usergroupInfo[id] ?? {};
        const handle = info.handle ?? id.toLowerCase();
        return {
          id,
          team_id: this.identity.teamId,
          is_usergroup: true,
          name: info.name ?? handle,
          handle,
          date_delete: info.disabled ? 1_700_000_000 : 0,
          user_count: members.length,
          ...(flag(args.include_users) ? { users: members } : {}),
        };
      });
    return { ok: true, usergroups };
  }

  /** Runs one Web API method; unknown methods answer `unknown_method` like Slack. */
  call(method: string, args: Args): MethodResult {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'debug-bot',
          team_id: this.identity.teamId,
          user_id: this.identity.botUserId,
          bot_id: this.identity.botId,
        };
      case 'chat.postMessage':
        return this.#post(args, false);
      case 'chat.postEphemeral':
        return this.#post(args, true);
      case 'chat.update':
        return this.#update(args);
      case 'files.getUploadURLExternal':
        return this.#getUploadUrl(args);
      case 'files.completeUploadExternal':
        return this.#completeUpload(args);
      case 'users.info':
        return this.#userInfo(
          this.users.find((u) => u.id === args.user),
          'user_not_found',
        );
      case 'users.lookupByEmail':
        return this.#userInfo(
          this.users.find((u) => u.email !== undefined && u.email === args.email),
          'users_not_found',
        );
      case 'usergroups.list':
        return this.#listUsergroups(args);
      case 'usergroups.users.list': {
        const members = this.usergroups[String(args.usergroup)];
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}
