/**
 * One TXT character-string (RFC 1035 §3.3: bytes, not text). Valid UTF-8 is the decoded string;
 * anything else is `{ escaped }`, its bytes in dig's presentation escapes without the quotes
 * (printable ASCII as is, `"` and `\` backslashed, every other byte `\DDD` in decimal), which
 * keeps every byte without passing invalid text off as a string.
 *
 * @example toTxtPart(Uint8Array.of(0xff, 0, 1)) // { escaped: '\\255\\000\\001' }
 */
export type TxtPart = string | { escaped: string }

/** See `TxtPart`: decoding with `fatal` so invalid UTF-8 is never replaced by U+FFFD. */
export function toTxtPart(bytes: Uint8Array): TxtPart {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return { escaped: escapeCharacterString(bytes) }
  }
}

/** A character-string's bytes as dig writes them between the quotes (RFC 1035 §5.1). */
export function escapeCharacterString(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`
    else if (byte < 0x20 || byte > 0x7e) out += `\\${String(byte).padStart(3, '0')}`
    else out += String.fromCharCode(byte)
  }
  return out
}
