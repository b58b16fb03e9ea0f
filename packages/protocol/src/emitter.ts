/**
 * A tiny typed event emitter for runtime-agnostic code (no Node EventEmitter). A listener that
 * throws does not break the emitter or the connection: the error is reported asynchronously,
 * like the WHATWG `reportError`, and the other listeners still run.
 */
export class Emitter<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  private listeners: { [K in keyof Events]?: Events[K][] } | null = null;

  on<K extends keyof Events>(event: K, listener: Events[K]): this {
    if (typeof listener !== 'function') throw new TypeError('on: expected a listener function');
    const listeners: { [K in keyof Events]?: Events[K][] } = (this.listeners ??= {});
    const list: Events[K][] | undefined = listeners[event];
    listeners[event] = list === undefined ? [listener] : [...list, listener];
    this.listenerAdded(event);
    return this;
  }

  off<K extends keyof Events>(event: K, listener: Events[K]): this {
    const listeners = this.listeners;
    const list = listeners?.[event];
    if (listeners != null && list !== undefined) {
      const index = list.indexOf(listener);
      // Copy on write: an emit in progress keeps iterating its own array.
      if (index >= 0) listeners[event] = list.filter((_, i) => i !== index);
    }
    return this;
  }

  once<K extends keyof Events>(event: K, listener: Events[K]): this {
    const wrapper = ((...args: Parameters<Events[K]>) => {
      this.off(event, wrapper);
      (listener as (...a: Parameters<Events[K]>) => void)(...args);
    }) as unknown as Events[K];
    return this.on(event, wrapper);
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.listeners?.[event]?.length ?? 0;
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const list = this.listeners?.[event];
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as (...a: Parameters<Events[K]>) => void)(...args);
      } catch (error) {
        reportError(error);
      }
    }
  }

  /** Hook for subclasses. */
  protected listenerAdded(_event: keyof Events): void {}
}

function reportError(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
