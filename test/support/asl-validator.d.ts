// asl-validator ships no type declarations; this is the part the parity test uses.
declare module 'asl-validator' {
  export default function aslValidator(definition: unknown): { isValid: boolean; errorsText(separator?: string): string };
}
