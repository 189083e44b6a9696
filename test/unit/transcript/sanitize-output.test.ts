import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  describeBinary,
  looksBinary,
  sanitizeOutput,
  sanitizeText,
} from '../../../src/transcript/sanitize-output.js';

const ESC = '\u001B';

describe('sanitizeOutput: terminal control sequences', () => {
  it.each([
    ['SGR colours', `${ESC}[1;31mERROR${ESC}[0m disk full`, 'ERROR disk full'],
    ['256/true colour', `${ESC}[38;5;208mwarn${ESC}[38;2;10;20;30m!${ESC}[m`, 'warn!'],
    ['cursor movement and erase', `${ESC}[2J${ESC}[H${ESC}[Kready`, 'ready'],
    ['OSC window title ended by BEL', `${ESC}]0;pwned title\u0007after`, 'after'],
    ['OSC hyperlink ended by ST', `${ESC}]8;;http://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`, 'click'],
    ['unterminated OSC stops at the line end', `${ESC}]2;title without end\nnext line`, '\nnext line'],
    ['DCS string', `${ESC}Pq#0;2;0;0;0#1${ESC}\\text`, 'text'],
    ['C1 CSI (8-bit)', '\u009B31mred\u009B0m', 'red'],
    ['C1 OSC (8-bit)', '\u009D0;title\u0007x', 'x'],
    ['two-byte escapes', `${ESC}7saved${ESC}8${ESC}(0${ESC}=`, 'saved'],
    [
      'bells, stray C0 and DEL',
      'ding\u0007 \u0001\u0002\u007Fdone: all 42 checks passed',
      'ding done: all 42 checks passed',
    ],
    ['bidi overrides', 'file\u202Etxt.exe\u202C', 'filetxt.exe'],
    ['a lone ESC at the end', `tail${ESC}`, 'tail'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeOutput(input)).toEqual({ text: expected, binary: false, bytes: Buffer.byteLength(input) });
  });

  it('keeps tabs, newlines and non-ASCII text', () => {
    const text = 'name\tstatus\nwéb-1\tRunning ✓\n日本語 😀\n';
    expect(sanitizeOutput(text).text).toBe(text);
  });
});

describe('sanitizeOutput: carriage returns and backspaces', () => {
  it.each([
    ['progress overwrite', 'progress 10%\rprogress 100%', 'progress 100%'],
    ['CRLF line endings', 'a\r\nb\r\n', 'a\nb\n'],
    ['shorter overwrite keeps the rest, like a terminal', 'abcdef\rXY', 'XYcdef'],
    ['trailing CR before newline', 'Downloading... done\r\nnext', 'Downloading... done\nnext'],
    ['curl-style progress then newline', '  0%\r 50%\r100%\nok', '100%\nok'],
    ['man-page overstrike', 'N\bNA\bAM\bME\bE', 'NAME'],
    ['underline overstrike', '_\bu_\bs_\be', 'use'],
    ['backspace at line start', '\bx', 'x'],
    ['surrogate pairs survive overwrite', '😀😀\rab', 'ab'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeOutput(input).text).toBe(expected);
  });

  it('is linear on many carriage returns after a long line', () => {
    const input = `${'x'.repeat(500_000)}${'\ry'.repeat(250_000)}`;
    const started = performance.now();
    expect(sanitizeOutput(input).text.slice(0, 3)).toBe('yxx');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('sanitizeOutput: ReDoS (TEST-MATRIX row 53)', () => {
  it('finishes the ansi-regex PoC ("\\u001B[" + ";" x 100000) in under 100 ms, as one swallowed sequence', () => {
    const poc = `${ESC}[${';'.repeat(100_000)}`;
    const started = performance.now();
    const result = sanitizeOutput(poc);
    expect(performance.now() - started).toBeLessThan(100);
    expect(result.text).toBe('');
  });

  it.each([
    ['PoC at 1 MiB', `${ESC}[${';'.repeat(1024 * 1024)}`],
    ['PoC with text after it', `${ESC}[${';'.repeat(500_000)}x`],
    ['many CSI openers', `${ESC}[;`.repeat(350_000)],
    ['many OSC openers', `${ESC}]0;`.repeat(350_000)],
    ['C1 CSI with params', `\u009B${'1;'.repeat(500_000)}`],
    ['OSC payload without terminator', `${ESC}]0;${'a'.repeat(1024 * 1024)}`],
    ['CR storm', '\r'.repeat(1024 * 1024)],
    ['whitespace then text', `${' '.repeat(1024 * 1024)}x`],
  ])('%s finishes well under a second', (_name, input) => {
    const started = performance.now();
    sanitizeOutput(input);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('sanitizeOutput: binary output', () => {
  it('reports an ELF-like buffer as binary with a hex preview of the first 64 bytes', () => {
    const elf = Buffer.alloc(4096);
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01]).copy(elf);
    const result = sanitizeOutput(elf);
    expect(result.binary).toBe(true);
    expect(result.bytes).toBe(4096);
    expect(result.text).toMatch(/^binary output, 4096 bytes; first 64 bytes: 7f 45 4c 46 02 01 01 00 /);
    expect(result.text.split(': ')[1]!.split(' ')).toHaveLength(64);
  });

  it('reports random bytes (invalid UTF-8) as binary', () => {
    expect(sanitizeOutput(randomBytes(2048)).binary).toBe(true);
  });

  it('previews fewer bytes when the output is short', () => {
    expect(sanitizeOutput(Buffer.from([0, 0, 0, 1])).text).toBe(
      'binary output, 4 bytes; first 4 bytes: 00 00 00 01',
    );
  });

  it('masks printable runs in the preview so it cannot spell a secret', () => {
    const buffer = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 0, 0]),
      Buffer.from('PASSWORD=hunter2'),
      Buffer.alloc(100),
    ]);
    const text = describeBinary(buffer);
    expect(text).toContain('1f 8b 00 00 ** ** **');
    expect(text).not.toMatch(/50 41 53 53/);
  });

  it('treats a string with replacement characters from bad UTF-8 as binary above the threshold', () => {
    expect(looksBinary(`${'\uFFFD'.repeat(30)}abc`)).toBe(true);
    expect(looksBinary(`caf\uFFFD au lait, ${'plain text '.repeat(20)}`)).toBe(false);
  });

  it('keeps text with a few invalid bytes as text', () => {
    const buffer = Buffer.concat([
      Buffer.from('latin-1 caf'),
      Buffer.from([0xe9]),
      Buffer.from(' is fine\n'.repeat(10)),
    ]);
    const result = sanitizeOutput(buffer);
    expect(result.binary).toBe(false);
    expect(result.text.startsWith('latin-1 caf\uFFFD is fine\n')).toBe(true);
  });

  it('shows NUL-separated text (/proc/1/environ) as lines, so secrets in it can be redacted', () => {
    const environ = 'PATH=/usr/bin\u0000HOME=/root\u0000DB_PASSWORD=hunter2\u0000';
    expect(sanitizeOutput(Buffer.from(environ))).toEqual({
      text: 'PATH=/usr/bin\nHOME=/root\nDB_PASSWORD=hunter2',
      binary: false,
      bytes: environ.length,
    });
    expect(sanitizeOutput('sleep\u00003600\u0000').text).toBe('sleep\n3600');
  });

  it('counts bytes of string input as UTF-8', () => {
    expect(sanitizeOutput('é😀').bytes).toBe(6);
  });
});

describe('sanitizeText', () => {
  it('strips controls from short texts, NUL included, without binary detection', () => {
    expect(sanitizeText(`a\u0000b${ESC}[31mc\u0001`)).toBe('abc');
  });
});
