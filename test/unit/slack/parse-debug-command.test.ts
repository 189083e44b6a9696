import { describe, expect, it } from 'vitest';
import { type ParsedDebugCommand, parseDebugCommand } from '../../../src/slack/parse-debug-command.js';

function input(text: string) {
  const parsed = parseDebugCommand(text);
  if (parsed.kind !== 'debug') throw new Error(`expected a debug command, got ${JSON.stringify(parsed)}`);
  return parsed.input;
}

function errorOf(text: string, limits?: Parameters<typeof parseDebugCommand>[1]): string {
  const parsed: ParsedDebugCommand = parseDebugCommand(text, limits);
  if (parsed.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

describe('parseDebugCommand: the happy paths', () => {
  it('reads the example from the brief', () => {
    expect(input('checkout-7d9f -n shop --image busybox:1.36 -- ps auxww')).toEqual({
      target: { kind: 'pod', name: 'checkout-7d9f', namespace: 'shop' },
      image: 'busybox:1.36',
      commands: [['ps', 'auxww']],
    });
  });

  it('applies no defaults: namespace, image and profile stay absent', () => {
    expect(input('web-1 -- ls')).toEqual({ target: { kind: 'pod', name: 'web-1' }, commands: [['ls']] });
  });

  it('reads every option, long and short, with = values', () => {
    const parsed = input(
      'deploy/web --namespace=shop --image=ghcr.io/acme/tools:2.1 --target app --profile netadmin --reason "disk full?" -- df -h',
    );
    expect(parsed).toEqual({
      target: { kind: 'deployment', name: 'web', namespace: 'shop', container: 'app' },
      image: 'ghcr.io/acme/tools:2.1',
      profile: 'netadmin',
      reason: 'disk full?',
      commands: [['df', '-h']],
    });
    expect(input('web-1 -c sidecar -- ls').target.container).toBe('sidecar');
    expect(input('web-1 --container sidecar -- ls').target.container).toBe('sidecar');
  });

  it.each([
    ['pod/web-1', 'pod'],
    ['po/web-1', 'pod'],
    ['deploy/web-1', 'deployment'],
    ['deployment/web-1', 'deployment'],
    ['sts/web-1', 'statefulset'],
    ['statefulset/web-1', 'statefulset'],
    ['ds/web-1', 'daemonset'],
    ['daemonset/web-1', 'daemonset'],
  ])('reads the target %s as a %s', (target, kind) => {
    expect(input(`${target} -- ls`).target).toEqual({ kind, name: 'web-1' });
  });

  it('reads a label selector instead of a target', () => {
    expect(input('-l app=web,tier==api -n shop -- ls').target).toEqual({
      kind: 'selector',
      name: 'app=web,tier==api',
      namespace: 'shop',
    });
    expect(input('--selector app.kubernetes.io/name=web -- ls').target.name).toBe(
      'app.kubernetes.io/name=web',
    );
  });

  it('starts a new argv at every --', () => {
    expect(input('web-1 -- ps aux -- df -h -- cat /etc/resolv.conf').commands).toEqual([
      ['ps', 'aux'],
      ['df', '-h'],
      ['cat', '/etc/resolv.conf'],
    ]);
  });

  it('takes the second word as the image (shorthand of TEST-MATRIX row 1)', () => {
    const digest = `busybox@sha256:${'a'.repeat(64)}`;
    expect(input(`web-1 ${digest} -- ps aux`).image).toBe(digest);
  });

  it('accepts a preset instead of commands', () => {
    expect(input('web-1 --preset dns')).toEqual({
      target: { kind: 'pod', name: 'web-1' },
      preset: 'dns',
      commands: [],
    });
  });

  it('honours quotes, and turns smart quotes and no-break spaces into plain ones', () => {
    expect(input(`web-1 -- sh -c 'ps aux | grep "java app"'`).commands).toEqual([
      ['sh', '-c', 'ps aux | grep "java app"'],
    ]);
    expect(input('web-1 --reason \u201Cdisk full\u201D -- ls').reason).toBe('disk full');
    expect(input('web-1\u00A0-- ls\u00A0-la').commands).toEqual([['ls', '-la']]);
  });
});

describe('parseDebugCommand: row 11, shell metacharacters stay literal words', () => {
  it.each([
    ['web-1 busybox -- ls; curl http://x | sh', [['ls;', 'curl', 'http://x', '|', 'sh']]],
    ['web-1 -- echo $(id)', [['echo', '$(id)']]],
    ['web-1 -- echo `id`', [['echo', '`id`']]],
    ['web-1 -- ls && rm -rf /', [['ls', '&&', 'rm', '-rf', '/']]],
    ['web-1 -- cat /etc/*.conf > /tmp/x', [['cat', '/etc/*.conf', '>', '/tmp/x']]],
  ])('%s', (text, commands) => {
    expect(input(text).commands).toEqual(commands);
  });

  it.each([
    ['web-1;id -- ls', 'pod name'],
    ['web-1 -n "shop;id" -- ls', 'namespace'],
    ['web-1 -n $(id) -- ls', 'namespace'],
    ['web-1 --image "busybox;id" -- ls', 'image'],
    ['web-1 --image `id` -- ls', 'image'],
    ['web-1 --preset "dns;id"', 'preset'],
    ['web-1 -c "app|sh" -- ls', 'container'],
  ])('refuses metacharacters in a name: %s', (text, what) => {
    expect(errorOf(text)).toContain(what);
  });
});

describe('parseDebugCommand: subcommands', () => {
  it.each(['help', '-h', '--help', 'help me'])('%s → help', (text) => {
    expect(parseDebugCommand(text)).toEqual({ kind: 'help' });
  });

  it('reads presets and audit', () => {
    expect(parseDebugCommand('presets')).toEqual({ kind: 'presets' });
    expect(parseDebugCommand('audit')).toEqual({ kind: 'audit' });
    expect(parseDebugCommand('audit rabc234def56')).toEqual({ kind: 'audit', requestId: 'rabc234def56' });
    expect(errorOf('audit ../etc')).toContain('usage: /debug audit');
  });

  it('treats pod/help as a pod named help', () => {
    expect(input('pod/help -- ls').target).toEqual({ kind: 'pod', name: 'help' });
  });
});

describe('parseDebugCommand: row 10, malformed text names what is wrong', () => {
  it.each([
    ['', 'missing target'],
    ['   ', 'missing target'],
    ['web-1', 'missing command'],
    ['web-1 busybox', 'missing command'],
    ['web-1 busybox --', 'the command is empty'],
    ['-- ls', 'missing target'],
    ['web-1 -- ls -- ', 'command 2 is empty'],
    ['web-1 -- ls -- -- df', 'command 2 is empty'],
    ['web-1 -x -- ls', 'unknown option -x'],
    ['web-1 --bogus=1 -- ls', 'unknown option --bogus'],
    ['web-1 -n', '-n needs a value'],
    ['web-1 -n --image busybox -- ls', '-n needs a value'],
    ['web-1 -n a --namespace b -- ls', 'more than once'],
    ['web-1 busybox extra -- ls', 'unexpected word "extra"'],
    ['web-1 busybox --image alpine -- ls', 'image is given twice'],
    ['web-1 -l app=web -- ls', 'not both'],
    ['web-1 --preset dns -- ls', 'not both'],
    ['web-1 --profile root -- ls', 'unknown profile "root"'],
    ['web-1 --reason "" -- ls', '--reason is empty'],
    ["web-1 -- echo 'unclosed", 'quote is not closed'],
    ['web-1 -- echo \\', 'lone backslash'],
    ["web-1 -- '' x", 'starts with an empty word'],
    ["web-1 -- echo $'a\\x00b'", 'NUL'],
    ['-l app -- ls', 'key=value'],
    ['-l app!=web -- ls', 'key=value'],
    ['-l "app in (a,b)" -- ls', 'key=value'],
  ])('%j → %s', (text, message) => {
    expect(errorOf(text)).toContain(message);
  });
});

describe('parseDebugCommand: row 13, bad pod and namespace names', () => {
  it.each([
    ['Web_1 -- ls', 'must be lowercase'],
    ['web_1 -- ls', "must not contain '_'"],
    [`${'a'.repeat(300)} -- ls`, '300 characters long; the limit is 253'],
    ['../../nodes/x -- ls', 'target'],
    ['web-1/exec -- ls', 'target "web-1/exec" is not valid'],
    ['kube-system/etcd -- ls', 'the namespace goes in -n'],
    ['pod/../x -- ls', "must not contain '/'"],
    ['pod/a..b -- ls', "must not contain '..'"],
    ['pod/-web -- ls', 'must start and end'],
    ['web-1 -n Shop -- ls', 'namespace "Shop" is not a valid name: it must be lowercase'],
    ['web-1 -n shop.prod -- ls', 'namespace'],
    [`web-1 -n ${'a'.repeat(64)} -- ls`, 'limit is 63'],
    [`web-1 -c ${'a'.repeat(64)} -- ls`, 'container name is 64 characters long'],
    ['web-1 -n ../x -- ls', "must not contain '/'"],
  ])('%s → %s', (text, message) => {
    expect(errorOf(text)).toContain(message);
  });

  it('shortens long values it quotes back', () => {
    const message = errorOf(`WEB${'x'.repeat(200)} -- ls`);
    expect(message.length).toBeLessThan(200);
    expect(message).toContain('…');
  });

  it('accepts a 253-character dotted pod name and a 63-character namespace', () => {
    const pod = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(pod).toHaveLength(253);
    expect(input(`${pod} -n ${'n'.repeat(63)} -- ls`).target.name).toBe(pod);
  });
});

describe('parseDebugCommand: row 14, image syntax', () => {
  it.each([
    'busybox',
    'busybox:1.36',
    'library/busybox:1.36.1-musl',
    'docker.io/library/busybox:latest',
    'localhost:5000/tools/debug:v1',
    'registry.example.com:443/team/tool@sha256:' + 'f'.repeat(64),
    'ghcr.io/acme/net_tools__x:1',
    '[::1]:5000/tool:1',
  ])('accepts %s', (image) => {
    expect(input(`web-1 --image ${image} -- ls`).image).toBe(image);
  });

  it.each([
    ['UPPER:CASE', 'repository names must be lower case'],
    ['ghcr.io/Acme/tool:1', 'repository names must be lower case'],
    ['busybox:', 'not a valid image reference'],
    ['busybox@sha256:abc', 'not a valid image reference'],
    ['busybox@sha256:' + 'a'.repeat(40), 'the digest must look like sha256:<64 hex digits>'],
    ['-busybox', 'not a valid image reference'],
    ['"busy box"', 'whitespace'],
    ['busybox:' + 'x'.repeat(129), 'not a valid image reference'],
    ['a'.repeat(2048), 'it is 2048 characters long (at most 512)'],
    ['http://evil/x', 'not a valid image reference'],
  ])('refuses image #%#', (image, message) => {
    expect(errorOf(`web-1 --image ${image} -- ls`)).toContain(message);
  });

  it('checks a pathological image quickly', () => {
    const started = performance.now();
    errorOf(`web-1 --image ${'a.'.repeat(250)}! -- ls`);
    errorOf(`web-1 --image ${'a-'.repeat(250)}/ -- ls`);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('parseDebugCommand: row 16, limits', () => {
  it('refuses 500 arguments', () => {
    expect(errorOf(`web-1 -- echo ${'x '.repeat(499)}`)).toBe('the command has 500 words; the limit is 100');
  });

  it('refuses 20 KB of text before splitting it', () => {
    expect(errorOf(`web-1 -- echo ${'x'.repeat(20_000)}`)).toMatch(/characters long; the limit is 4000$/);
  });

  it('refuses more than 10 commands', () => {
    expect(errorOf(`web-1 ${'-- ls '.repeat(11)}`)).toBe('11 commands given; the limit is 10');
  });

  it('takes limits as a parameter object', () => {
    expect(errorOf('web-1 -- ls -- ls', { maxCommands: 1 })).toBe('2 commands given; the limit is 1');
    expect(errorOf('web-1 -- a b c', { maxArgsPerCommand: 2 })).toContain('3 words; the limit is 2');
    expect(errorOf('web-1 -- ls', { maxTextChars: 5 })).toContain('limit is 5');
    expect(errorOf(`web-1 --reason "${'r'.repeat(20)}" -- ls`, { maxReasonChars: 10 })).toContain(
      'limit is 10',
    );
  });

  it('accepts exactly the limits', () => {
    expect(input(`web-1 ${'-- ls '.repeat(10)}`).commands).toHaveLength(10);
    expect(input(`web-1 -- ${'x '.repeat(100)}`).commands[0]).toHaveLength(100);
  });
});
