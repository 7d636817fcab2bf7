/**
 * Caps of one referer probe. Workers allow 6 simultaneous connections and, on the free plan,
 * 50 subrequests per invocation (reference/workers-limits.md), so a whole probe, its three
 * baseline requests included, stays under both.
 */
export const REFERER_PROBE_LIMITS = {
  maxReferers: 10,
  /** Per referer, the term itself included. */
  maxVariants: 16,
  maxRandomMixes: 8,
  defaultRandomMixes: 3,
  /** Requests of one probe, the three baseline requests (two before, one after) included. */
  maxRequests: 48,
  /**
   * Subrequests of one probe, retries included: a failed connection is tried once more while
   * the probe stays within the free plan's 50.
   */
  maxSubrequests: 50,
  maxInFlight: 6,
  maxValueLength: 512,
  defaultTimeoutMs: 5_000,
  maxTimeoutMs: 10_000,
  defaultDeadlineMs: 20_000,
  maxDeadlineMs: 25_000,
} as const

/** The default first rule id of the fix: inside ModSecurity's 1-99,999 range for local rules. */
export const DEFAULT_RULE_BASE_ID = 10_100
