export function runScenario(
  WebSocketImpl: unknown,
  base: string,
  options?: { deflate?: boolean },
): Promise<{ name: string; ok: boolean; detail: string }[]>;
