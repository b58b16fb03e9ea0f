import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Progress } from '../src/harness/progress.js';
import { exitCodeFor, runSection } from '../src/harness/runner.js';
import type { RunOptions, Section, SectionContext } from '../src/harness/types.js';
import type { Base64Api, Sha1Api } from '../src/implementations/ours.js';
import { checkBase64 } from '../src/sections/base64.js';
import { checkSha1 } from '../src/sections/sha1.js';

const options: RunOptions = { quick: true, rounds: 2, budgetMs: 1 };

function quietProgress(lines: string[] = []): Progress {
  return new Progress({ write: (text: string) => lines.push(text) }, false, 0);
}

function section(id: string, run: (ctx: SectionContext) => Promise<void>): Section {
  return { id, title: id, run };
}

describe('runSection', () => {
  it('is ok when every check holds, and records the workloads', async () => {
    const outcome = await runSection(
      section('good', async (ctx) => {
        ctx.check('truth', true);
        await ctx.bench({
          id: 'w',
          title: 'w',
          fixedIterations: 1,
          candidates: [
            { name: 'ours', role: 'ours', run: (n) => ({ ops: n, seconds: 0.001 }) },
            { name: 'ref', role: 'reference', run: (n) => ({ ops: n, seconds: 0.002 }) },
          ],
        });
      }),
      options,
      quietProgress(),
    );
    expect(outcome.status).toBe('ok');
    expect(outcome.workloads[0]!.ratios[0]!.ratio).toBeCloseTo(2);
    expect(exitCodeFor([outcome])).toBe(0);
  });

  it('fails the section, and the run, when a check fails', async () => {
    const lines: string[] = [];
    const outcome = await runSection(
      section('bad', async (ctx) => {
        ctx.check('truth', true);
        ctx.verify('lie', () => 'the result was wrong');
        expect(ctx.failedChecks()).toBe(1);
      }),
      options,
      quietProgress(lines),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.checks.map((c) => c.ok)).toEqual([true, false]);
    expect(lines.join('')).toContain('check failed: lie');
    expect(exitCodeFor([outcome])).toBe(1);
  });

  it('turns a throw inside a verify body into a failed check', async () => {
    const outcome = await runSection(
      section('throws-in-check', async (ctx) => {
        ctx.verify('explodes', () => {
          throw new Error('boom');
        });
      }),
      options,
      quietProgress(),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.checks[0]!.detail).toBe('boom');
  });

  it('marks a crashing section as error, which fails the run', async () => {
    const outcome = await runSection(
      section('crash', async () => {
        throw new Error('kaput');
      }),
      options,
      quietProgress(),
    );
    expect(outcome.status).toBe('error');
    expect(exitCodeFor([outcome])).toBe(1);
  });

  it('reports a section whose package is missing as unavailable without failing the run', async () => {
    const outcome = await runSection(
      section('missing', async (ctx) => ctx.unavailable('@ws/x', 'not built')),
      options,
      quietProgress(),
    );
    expect(outcome.status).toBe('unavailable');
    expect(outcome.notes[0]).toContain('not available yet');
    expect(exitCodeFor([outcome])).toBe(0);
  });
});

describe('the real correctness checks fail on a wrong implementation', () => {
  const nodeSha1 = (data: Uint8Array | string) =>
    new Uint8Array(createHash('sha1').update(data).digest());

  it('sha1: a hash that is wrong only at 64-byte inputs fails the section', async () => {
    const broken: Sha1Api = {
      sha1: (data) => {
        const digest = nodeSha1(data);
        if (typeof data !== 'string' && data.length === 64) digest[0]! ^= 1;
        return digest;
      },
      sha1Hex: (data) => Buffer.from(nodeSha1(data)).toString('hex'),
      Sha1: class {
        private parts: Uint8Array[] = [];
        update(d: Uint8Array | string) {
          this.parts.push(typeof d === 'string' ? new TextEncoder().encode(d) : d);
          return this;
        }
        digest() {
          return nodeSha1(Buffer.concat(this.parts));
        }
      },
    };
    const outcome = await runSection(
      section('sha1', async (ctx) => checkSha1(ctx, broken)),
      options,
      quietProgress(),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.checks.find((c) => !c.ok)!.detail).toContain('length 64');
  });

  it('sha1: the same checks pass on a correct implementation (the failure above is not spurious)', async () => {
    const good: Sha1Api = {
      sha1: nodeSha1,
      sha1Hex: (data) => Buffer.from(nodeSha1(data)).toString('hex'),
      Sha1: class {
        private hash = createHash('sha1');
        update(d: Uint8Array | string) {
          this.hash.update(d);
          return this;
        }
        digest() {
          return new Uint8Array(this.hash.digest());
        }
      },
    };
    const outcome = await runSection(
      section('sha1', async (ctx) => checkSha1(ctx, good)),
      options,
      quietProgress(),
    );
    expect(outcome.status).toBe('ok');
  });

  it('base64: a lenient decoder fails the strictness check', async () => {
    const lenient: Base64Api = {
      encode: (b, o) => {
        let s = Buffer.from(b).toString(o?.url ? 'base64url' : 'base64');
        if (o?.pad === false) s = s.replace(/=+$/, '');
        else if (o?.url) s = s.padEnd(Math.ceil(s.length / 4) * 4, '=');
        return s;
      },
      decode: (t, o) => new Uint8Array(Buffer.from(t, o?.url ? 'base64url' : 'base64')),
      encodePure: (b, o) => lenient.encode(b, o),
      decodePure: (t, o) => lenient.decode(t, o),
    };
    const outcome = await runSection(
      section('base64', async (ctx) => checkBase64(ctx, lenient)),
      options,
      quietProgress(),
    );
    expect(outcome.status).toBe('failed');
    const failed = outcome.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed.every((name) => name.includes('rejects bad characters'))).toBe(true);
    expect(failed).toHaveLength(2);
  });
});
