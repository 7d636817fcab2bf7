/** Bad input to the referer probe: the route maps it to a 422 problem naming `path`. */
export class RefererProbeError extends Error {
  override name = 'RefererProbeError'
  constructor(
    readonly code:
      | 'bad_url'
      | 'target_refused'
      | 'bad_header'
      | 'bad_value'
      | 'too_many_referers'
      | 'too_many_variants'
      | 'too_many_requests'
      | 'custom_variants_need_one_referer'
      | 'bad_limit',
    readonly path: string,
    message: string,
  ) {
    super(message)
  }
}
