// dns-packet's TYPE table (types.js, in its published files), which @types/dns-packet leaves out.
declare module 'dns-packet/types' {
  /** The mnemonic of a TYPE value, `UNKNOWN_<n>` for one it does not know. */
  // biome-ignore lint/suspicious/noShadowRestrictedNames: the module's own export name.
  export function toString(type: number): string
}
