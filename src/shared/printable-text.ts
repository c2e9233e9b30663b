/**
 * Text from a file (tar entry names, keys, node names) shown to a person: control characters
 * become visible escapes, so a hostile snapshot cannot send terminal sequences (clear the screen,
 * retitle the window, rewrite the line) to whoever reads the message. C0 controls, DEL and the
 * C1 range are escaped; line feeds, tabs and carriage returns are kept only when `keepLayout` is
 * set (for whole outputs whose layout is ours: lines, and a progress line rewritten in place).
 */
export function printableText(text: string, keepLayout = false): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (keepLayout && (c === '\n' || c === '\t' || c === '\r')) return c
    if (c === '\n') return '\\n'
    if (c === '\t') return '\\t'
    if (c === '\r') return '\\r'
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
  })
}
