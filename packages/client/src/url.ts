/**
 * Whether `text` holds a C0 control character or DEL. The URL parser silently drops CR, LF and
 * TAB, so a URL holding them is refused instead: nothing the caller passes can shape the request.
 */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
