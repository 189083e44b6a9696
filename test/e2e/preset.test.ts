import { afterEach, describe, expect, it } from 'vitest';
import { aPod } from '../fakes/kube-apiserver/index.js';
import {
  ackOf,
  command,
  jobCount,
  patchCount,
  readAudit,
  requestIdOf,
  waitForThread,
} from './e2e-helpers.js';
import { type System, startSystem } from './start-system.js';

describe('presets end to end', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  it('/debug web-1 -n shop --preset processes runs each preset command and shows its exit code', async () => {
    system = await startSystem();
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));

    const ack = await command(system, 'web-1 -n shop --preset processes');
    expect(ackOf(ack)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Queued as/),
    });
    const requestId = requestIdOf(ack);

    const thread = await waitForThread(system, (all) => /Debug transcript/.test(all) && /Done/.test(all));
    // The preset's image and both argv lists went into one container (the wrapper runs them in turn).
    const [ec] = system.kube.ephemeralContainers('shop', 'web-1');
    expect(ec?.image).toBe('busybox:1.36');
    expect(ec?.command?.slice(0, 2)).toEqual(['sh', '-c']);
    expect(ec?.command).toEqual(expect.arrayContaining(['ps', 'auxww', 'cat', '/proc/loadavg']));
    expect(patchCount(system)).toBe(1);

    const transcript = thread.replies.map((m) => `${m.text}\n${JSON.stringify(m.blocks)}`).join('\n');
    expect(transcript).toMatch(/\*Command 1\* `\$ ps auxww`\\n:white_check_mark: exit 0/);
    expect(transcript).toMatch(/\*Command 2\* `\$ cat \/proc\/loadavg`\\n:white_check_mark: exit 0/);
    // The real output of each: the ps header line, and /proc/loadavg's "a b c running/total lastpid".
    expect(transcript).toMatch(/PID/);
    expect(transcript).toMatch(/\d+\.\d+ \d+\.\d+ \d+\.\d+ \d+\/\d+ \d+/);
    // The wrapper's marker lines never show.
    expect(transcript).not.toMatch(/::dbg-/);
    expect(thread.rootText).toMatch(/ps auxww/);
    expect(thread.rootText).toMatch(/cat \/proc\/loadavg/);
    const events = (await readAudit(system)).filter((r) => r.requestId === requestId).map((r) => r.event);
    expect(events).toEqual(['requested', 'started', 'container_created', 'finished']);
  });

  it('shows a per-command exit code when one preset command fails, and keeps going', async () => {
    system = await startSystem({
      tweak: (c) => {
        c.presets['probe'] = {
          description: 'one command that fails, one that works',
          image: 'busybox:1.36',
          commands: [
            ['sh', '-c', 'echo about-to-fail; exit 3'],
            ['echo', 'second-still-ran'],
          ],
        };
      },
    });
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
    await command(system, 'web-1 -n shop --preset probe');
    const thread = await waitForThread(system, (all) => /second-still-ran/.test(all) && /Failed/.test(all));
    const transcript = thread.replies.map((m) => JSON.stringify(m.blocks)).join('\n');
    expect(transcript).toMatch(/\*Command 1\*[^"]*:warning: exit 3/);
    expect(transcript).toMatch(/about-to-fail/);
    expect(transcript).toMatch(/\*Command 2\*[^"]*:white_check_mark: exit 0/);
    expect(transcript).toMatch(/Command 1 exited with code 3/);
  });

  it('/debug presets lists every configured preset with its description and commands', async () => {
    system = await startSystem();
    const res = await command(system, 'presets');
    expect(res.status).toBe(200);
    const reply = ackOf(res);
    expect(reply.response_type).toBe('ephemeral');
    const shown = `${reply.text}\n${JSON.stringify(reply.blocks)}`;
    for (const [name, preset] of Object.entries(system.config.presets)) {
      expect(shown).toContain(`\`${name}\``);
      expect(shown).toContain(preset.description);
    }
    expect(shown).toContain('$ ps auxww');
    expect(shown).toContain('$ cat /proc/loadavg');
    expect(await jobCount(system)).toBe(0);
    expect(system.kube.requests).toHaveLength(0);
  });

  it('refuses an unknown preset: nothing is enqueued and the cluster is never asked', async () => {
    system = await startSystem();
    const res = await command(system, 'web-1 -n shop --preset no-such-preset');
    const reply = ackOf(res);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/no preset called "no-such-preset"/);
    expect(reply.text).toMatch(/\/debug presets/);
    expect(await jobCount(system)).toBe(0);
    expect(system.kube.requests).toHaveLength(0);
    expect(await readAudit(system)).toContainEqual(
      expect.objectContaining({ event: 'rejected_input', reason: 'unknown preset no-such-preset' }),
    );
  });

  it('refuses a preset whose image the policy does not allow, before any cluster call', async () => {
    system = await startSystem({
      tweak: (c) => {
        c.policy.images.allow = ['docker.io/library/busybox:*'];
      },
    });
    const res = await command(system, 'web-1 -n shop --preset network');
    const reply = ackOf(res);
    expect(reply.text).toMatch(/nicolaka\/netshoot:v0\.13.*not allowed/);
    expect(await jobCount(system)).toBe(0);
    expect(system.kube.requests).toHaveLength(0);
    expect(await readAudit(system)).toContainEqual(expect.objectContaining({ event: 'denied_policy' }));
  });
});
