export type TargetsErrorCode =
  | 'syntax'
  | 'nesting'
  | 'bad_name'
  | 'unknown_variable'
  | 'bad_value'
  | 'missing_variable'
  | 'unknown_probe'
  | 'icmp_impossible'
  | 'unknown_alert'
  | 'bad_pattern'
  | 'too_many'

/**
 * A Targets configuration that cannot be used. `line` is set for SmokePing text (1-based), `path`
 * names the target (`Test.James`) for both text and JSON.
 */
export class TargetsConfigError extends Error {
  override name = 'TargetsConfigError'
  constructor(
    readonly code: TargetsErrorCode,
    message: string,
    readonly line?: number,
    readonly path?: string,
  ) {
    super(line !== undefined ? `line ${line}: ${message}` : message)
  }
}
