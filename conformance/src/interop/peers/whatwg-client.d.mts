export function runScenario(
  WebSocketImpl: unknown,
  base: string,
): Promise<{ name: string; ok: boolean; detail: string }[]>;
