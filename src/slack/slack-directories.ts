import type { WebClient } from '@slack/web-api';
import type { UserRef } from '../core/approval-model.js';
import type { ApproverDirectory, UserDirectory } from '../core/approval-ports.js';
import { DebugError } from '../core/errors.js';
import { toChatError } from './to-chat-error.js';

export interface SlackDirectoryOptions {
  client: WebClient;
  /** Sent as `team_id` (needed by org-wide apps on Enterprise Grid); omitted otherwise. */
  teamId?: string;
  /** How long a `@handle` → group id mapping is kept (default 60 s); failures are not kept. */
  handleTtlMs?: number;
  /** Clock for the handle cache, in ms (tests). */
  now?: () => number;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/**
 * {@link ApproverDirectory} over Slack: `membersOf('S…')` is `usergroups.users.list`; a `@handle` is
 * first looked up among the workspace's enabled groups with `usergroups.list`. Every failure throws
 * (unknown handle, missing `usergroups:read`, Slack down), so callers fail closed. Wrap it in the core's
 * `cacheApproverDirectory`: both methods are Slack rate tier 2.
 */
export class SlackApproverDirectory implements ApproverDirectory {
  readonly #client: WebClient;
  readonly #team: { team_id?: string };
  readonly #handleTtlMs: number;
  readonly #now: () => number;
  #handles: { expires: number; ids: Promise<Map<string, string>> } | undefined;

  constructor(options: SlackDirectoryOptions) {
    this.#client = options.client;
    this.#team = options.teamId ? { team_id: options.teamId } : {};
    this.#handleTtlMs = options.handleTtlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  async membersOf(groupId: string): Promise<string[]> {
    const id = groupId.startsWith('@') ? await this.#idOfHandle(groupId.slice(1)) : groupId;
    try {
      const result = await this.#client.usergroups.users.list({ usergroup: id, ...this.#team });
      return strings(result.users);
    } catch (error) {
      throw toChatError(error, 'usergroups.users.list');
    }
  }

  async #idOfHandle(handle: string): Promise<string> {
    const id = (await this.#handleMap()).get(handle.toLowerCase());
    if (id) return id;
    throw new DebugError(
      'chat_unavailable',
      `The Slack user group @${handle.slice(0, 80)} was not found (or is disabled); ask an admin to fix the approvers.`,
      { detail: `no enabled user group with handle ${handle.slice(0, 80)}` },
    );
  }

  #handleMap(): Promise<Map<string, string>> {
    const now = this.#now();
    if (this.#handles && this.#handles.expires > now) return this.#handles.ids;
    const ids = this.#client.usergroups.list({ include_disabled: false, ...this.#team }).then(
      (result) => {
        const map = new Map<string, string>();
        for (const group of result.usergroups ?? []) {
          if (group.id && group.handle && !group.date_delete) map.set(group.handle.toLowerCase(), group.id);
        }
        return map;
      },
      (error: unknown) => {
        throw toChatError(error, 'usergroups.list');
      },
    );
    const entry = { expires: now + this.#handleTtlMs, ids };
    this.#handles = entry;
    ids.catch(() => {
      if (this.#handles === entry) this.#handles = undefined;
    });
    return ids;
  }
}

/**
 * {@link UserDirectory} over Slack: `users.info` → `user.profile.email` (needs `users:read.email`).
 * Undefined when the profile shows no email; throws when the lookup fails (callers fail closed).
 */
export class SlackUserDirectory implements UserDirectory {
  readonly #client: WebClient;

  constructor(options: Pick<SlackDirectoryOptions, 'client'>) {
    this.#client = options.client;
  }

  async emailOf(user: UserRef): Promise<string | undefined> {
    let result: Awaited<ReturnType<WebClient['users']['info']>>;
    try {
      result = await this.#client.users.info({ user: user.userId });
    } catch (error) {
      throw toChatError(error, 'users.info');
    }
    const email = result.user?.profile?.email;
    return typeof email === 'string' && email.trim() !== '' ? email.trim() : undefined;
  }
}
