/** Case- and accent-insensitive text matching ("Électricité" contains "electri"). */
export const foldText = (value: string) =>
  value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

export const containsFolded = (haystack: string, needle: string) => foldText(haystack).includes(foldText(needle));
