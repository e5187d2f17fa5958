/** Case- and accent-insensitive text matching ("Électricité" contains "electri"). */
export const foldText = (value: string) =>
  value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

export const containsFolded = (haystack: string, needle: string) => foldText(haystack).includes(foldText(needle));

/** RFC 5321's limit on an address (octets): a longer one names nobody (and would make too long a key). */
const MAX_MAIL_BYTES = 254;

/**
 * The form an e-mail address is looked up by (Apidae get-by-mail): lower case, so `Ada@Example.org`
 * finds `ada@example.org`; undefined for text that can be no address we index.
 */
export function mailLookupValue(eMail: string): string | undefined {
  if (!eMail.isWellFormed() || Buffer.byteLength(eMail) > MAX_MAIL_BYTES) return undefined;
  return eMail.normalize('NFC').toLowerCase();
}

/**
 * Compares strings by Unicode code point, the order DynamoDB keeps sort keys in (UTF-8 bytes):
 * UTF-16 code units agree with it except that surrogates (astral characters) sort above U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);

/** The distinct trigrams (three code points) of a text: the substring-search index's terms. */
export function trigrams(text: string): string[] {
  const points = Array.from(text);
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= points.length; i++) grams.add(points.slice(i, i + 3).join(''));
  return [...grams];
}

/** The terms a text is posted under: its trigrams, or a text of one or two code points whole. */
export function searchGrams(text: string): string[] {
  const grams = trigrams(text);
  return grams.length > 0 || text.length === 0 ? grams : [text];
}
