import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackOf, CHANNEL, command, jobCount, REQUESTER, readAudit } from './e2e-helpers.js';
import { type System, startSystem } from './start-system.js';

interface BadInput {
  row: number;
  text: string;
  /** What the ack must say (the problem, named). */
  says: RegExp;
  audit: 'rejected_input' | 'denied_policy';
}

const LONG_NAME = 'a'.repeat(300);
const LONG_IMAGE = `registry.example.com/${'b'.repeat(2040)}:1.0`;

const CASES: BadInput[] = [
  // Row 10: malformed text → usage.
  { row: 10, text: '', says: /missing target/, audit: 'rejected_input' },
  { row: 10, text: '   ', says: /missing target/, audit: 'rejected_input' },
  { row: 10, text: 'web-1', says: /missing command: add -- and the program to run/, audit: 'rejected_input' },
  { row: 10, text: 'web-1 busybox', says: /missing command.*after "busybox"/, audit: 'rejected_input' },
  { row: 10, text: 'web-1 busybox --', says: /the command is empty/, audit: 'rejected_input' },
  { row: 10, text: '-- ls', says: /missing target/, audit: 'rejected_input' },
  // Row 13: bad pod/namespace names, rejected before any API call.
  {
    row: 13,
    text: 'Web_1 -- ls',
    says: /pod name "Web_1" is not a valid name: it must be lowercase/,
    audit: 'rejected_input',
  },
  {
    row: 13,
    text: `${LONG_NAME} -- ls`,
    says: /pod name is 300 characters long; the limit is 253/,
    audit: 'rejected_input',
  },
  {
    row: 13,
    text: '../../nodes/x -- ls',
    says: /target "\.\.\/\.\.\/nodes\/x" is not valid/,
    audit: 'rejected_input',
  },
  { row: 13, text: 'web-1/exec -- ls', says: /target "web-1\/exec" is not valid/, audit: 'rejected_input' },
  {
    row: 13,
    text: 'kube-system/etcd -- ls',
    says: /target "kube-system\/etcd" is not valid/,
    audit: 'rejected_input',
  },
  {
    row: 13,
    text: 'web-1 -n Shop_NS -- ls',
    says: /namespace "Shop_NS" is not a valid name/,
    audit: 'rejected_input',
  },
  {
    row: 13,
    text: 'etcd -n kube-system -- ls',
    says: /namespace kube-system is not open to debugging/,
    audit: 'denied_policy',
  },
  // Row 14: image policy, pre-flight (an ephemeral container with a bad image can never be removed).
  {
    row: 14,
    text: 'web-1 -n shop --image quay.io/evil/tool:1.0 -- ls',
    says: /image quay\.io\/evil\/tool:1\.0 is not allowed here/,
    audit: 'denied_policy',
  },
  {
    row: 14,
    text: 'web-1 -n shop --image busybox:latest -- ls',
    says: /uses :latest, which is not allowed/,
    audit: 'denied_policy',
  },
  // Refused; the reason names the missing tag (see the test below).
  {
    row: 14,
    text: 'web-1 -n shop --image busybox -- ls',
    says: /image busybox (is not allowed|has no tag)/,
    audit: 'denied_policy',
  },
  {
    row: 14,
    text: 'web-1 -n shop --image UPPER:CASE -- ls',
    says: /repository names must be lower case/,
    audit: 'rejected_input',
  },
  {
    row: 14,
    text: `web-1 -n shop --image ${LONG_IMAGE} -- ls`,
    says: /is not a valid image reference \(it is \d{4} characters long \(at most 512\)\)/,
    audit: 'rejected_input',
  },
  // Row 16: oversized commands.
  {
    row: 16,
    text: `web-1 -n shop -- echo ${'x '.repeat(499).trim()}`,
    says: /has 500 words; the limit is 100/,
    audit: 'rejected_input',
  },
  {
    row: 16,
    text: `web-1 -n shop -- echo ${'y'.repeat(20_000)}`,
    says: /the command text is \d+ characters long; the limit is 4000/,
    audit: 'rejected_input',
  },
  {
    row: 16,
    text: `web-1 -n shop ${'-- true '.repeat(11).trim()}`,
    says: /11 commands given; the limit is 10/,
    audit: 'rejected_input',
  },
];

describe('bad input end to end (TEST-MATRIX rows 10, 13, 14, 16)', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
    system.kube.addNamespace('shop');
    system.kube.addNamespace('kube-system');
  });
  afterAll(async () => {
    await system?.stop();
  });

  it.each(CASES.map((c) => [`row ${c.row}: ${JSON.stringify(c.text.slice(0, 60))}`, c] as const))(
    '%s → ephemeral refusal naming the problem, no job, no API call, audited',
    async (_name, bad) => {
      const auditBefore = (await readAudit(system)).length;
      const res = await command(system, bad.text);
      expect(res.status).toBe(200);
      const ack = ackOf(res);
      expect(ack.response_type).toBe('ephemeral');
      const shown = `${ack.text}\n${JSON.stringify(ack.blocks ?? [])}`;
      expect(shown).toMatch(bad.says);
      // Parse errors come with the usage; policy refusals say nothing was started.
      if (bad.audit === 'rejected_input') expect(shown).toMatch(/\*Usage\*/);
      else expect(ack.text).toMatch(/^Not started: /);

      expect(await jobCount(system)).toBe(0);
      expect(system.kube.requests).toHaveLength(0);
      expect(system.slack.callsTo('chat.postMessage')).toHaveLength(0);
      const added = (await readAudit(system)).slice(auditBefore);
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({
        event: bad.audit,
        userId: REQUESTER,
        channelId: CHANNEL,
        teamId: 'T0FAKE',
      });
      expect(added[0]!.reason).toMatch(bad.says);
      expect(added[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    },
  );

  // An untagged image on the allow list is refused for having no tag (the more useful reason).
  it('row 14: an untagged allowed image is refused with the reason that it has no tag', async () => {
    const res = await command(system, 'web-1 -n shop --image busybox -- ls');
    expect(ackOf(res).text).toMatch(/has no tag \(that means :latest\)/);
  });
});
