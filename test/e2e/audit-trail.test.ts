import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { readAuditTrail } from '../../src/main/read-audit-trail.js';
import { aPod } from '../fakes/kube-apiserver/index.js';
import { REDIS_URL } from '../helpers/redis.js';
import { eventually, type System, startSystem } from './start-system.js';

const APPROVER = 'U0APPROVER1';

function ackText(res: { text: string }): string {
  const body = JSON.parse(res.text) as { text: string; blocks?: unknown[] };
  return `${body.text}\n${JSON.stringify(body.blocks ?? [])}`;
}

describe('reading the audit trail back', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  async function startWithOneRequest() {
    system = await startSystem({
      tweak: (c) => {
        c.policy.approvals.approvers.users = [APPROVER];
      },
    });
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
    const ack = await system.command('web-1 -n shop -- echo audited', { trigger_id: 'audit-1' });
    const id = /`(r[a-z0-9]+)`/.exec(ackText(ack))![1]!;
    await eventually(async () => {
      const res = await system.command(`audit ${id}`, { user_id: APPROVER, trigger_id: `a-${Date.now()}` });
      return /finished/.test(ackText(res)) ? res : undefined;
    });
    return id;
  }

  it('/debug audit <id> shows an approver the request’s records, newest first', async () => {
    const id = await startWithOneRequest();
    const res = await system.command(`audit ${id}`, { user_id: APPROVER, trigger_id: 'audit-2' });
    const text = ackText(res);
    expect(JSON.parse(res.text).response_type).toBe('ephemeral');
    for (const event of ['finished', 'container_created', 'started', 'requested'])
      expect(text).toContain(event);
    expect(text.indexOf('finished')).toBeLessThan(text.indexOf('requested'));
  });

  it('/debug audit is refused for someone who is not an approver, and that is audited', async () => {
    const id = await startWithOneRequest();
    const res = await system.command(`audit ${id}`, { user_id: 'U0NOSY', trigger_id: 'audit-3' });
    expect(ackText(res)).toMatch(/Only approvers can read the audit trail/);
    expect(ackText(res)).not.toContain('container_created');
  });

  it('the CLI prints the same records as JSON lines', async () => {
    const id = await startWithOneRequest();
    const dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
    const file = join(dir, 'config.yaml');
    const config = parse(readFileSync('config/default.yaml', 'utf8')) as { queue: { prefix: string } };
    config.queue.prefix = system.prefix;
    writeFileSync(file, stringify(config));
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const code = await readAuditTrail([id], { CONFIG_FILE: file, REDIS_URL }, sink);
    expect(code).toBe(0);
    const events = out
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { event: string }).event);
    expect(events).toEqual(expect.arrayContaining(['requested', 'started', 'container_created', 'finished']));
  });
});
