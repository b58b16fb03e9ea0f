import type { RunOptions } from './types.js';

export interface CliOptions extends RunOptions {
  /** Section ids to run; empty means all. */
  only: string[];
}

/**
 * Many short rounds rather than a few long ones: the machine's other load comes in bursts of
 * a second or so, and finer interleaving spreads a burst over every candidate. Measured on 2
 * shared cores at load average 6–8: 250 ms rounds of 32–128 B frame creation swung 4× from
 * round to round.
 */
export const FULL = { rounds: 15, budgetMs: 100 } as const;
export const QUICK = { rounds: 3, budgetMs: 40 } as const;

/** `--quick`, `--only <id[,id…]>` (repeatable), `--rounds N`, `--budget-ms N`. Throws on anything else. */
export function parseOptions(
  argv: readonly string[],
  knownSections: readonly string[],
): CliOptions {
  let quick = false;
  let rounds: number | undefined;
  let budgetMs: number | undefined;
  const only: string[] = [];
  const positiveInt = (flag: string, text: string | undefined): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${flag} expects a positive integer, got ${text}`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--rounds':
        rounds = positiveInt('--rounds', value());
        break;
      case '--budget-ms':
        budgetMs = positiveInt('--budget-ms', value());
        break;
      case '--only': {
        const ids = (value() ?? '').split(',').filter(Boolean);
        for (const id of ids)
          if (!knownSections.includes(id))
            throw new RangeError(`--only expects one of ${knownSections.join(', ')}; got '${id}'`);
        only.push(...ids);
        break;
      }
      default:
        throw new RangeError(
          `unknown argument '${arg}' (expected --quick, --only <section>, --rounds N, --budget-ms N)`,
        );
    }
  }
  const base = quick ? QUICK : FULL;
  return { quick, rounds: rounds ?? base.rounds, budgetMs: budgetMs ?? base.budgetMs, only };
}
