import { TargetsConfigError } from '../../../src/checks/targets-error'

/** The TargetsConfigError `fn` throws; any other outcome fails the test. */
export function errorOf(fn: () => unknown): TargetsConfigError {
  try {
    fn()
  } catch (err) {
    if (err instanceof TargetsConfigError) return err
    throw err
  }
  throw new Error('expected a TargetsConfigError')
}
