import fc from 'fast-check';
import type { ExtensionOffer } from '../src/extensions.js';

const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** An RFC 7230 token. */
export const token = (): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 12 });

export const extensionOffer = (): fc.Arbitrary<ExtensionOffer> =>
  fc.record({
    name: token(),
    params: fc.array(fc.record({ name: token(), value: fc.option(token(), { nil: undefined }) }), {
      maxLength: 5,
    }),
  });

/**
 * Linear-work check: `work(input)` returns the steps a scanner took; the steps for an input twice as
 * large stay within ~2× those for the smaller one, and within a few steps per character.
 */
export function expectLinear(
  make: (n: number) => string,
  work: (input: string) => number,
  n: number,
): void {
  const smallInput = make(n);
  const largeInput = make(2 * n);
  const small = work(smallInput);
  const large = work(largeInput);
  if (!(large <= 2.2 * small + 16)) {
    throw new Error(`work grew from ${small} at n=${n} to ${large} at n=${2 * n}: not linear`);
  }
  if (!(large <= 4 * largeInput.length + 64)) {
    throw new Error(
      `work ${large} for ${largeInput.length} characters is more than 4 steps per character`,
    );
  }
}
