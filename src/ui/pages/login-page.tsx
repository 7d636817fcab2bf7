import { ErrorBox } from '../layout'

/** Asks for the API token once; the browser then keeps a signed session cookie. */
export function LoginPage(props: { next: string; failed: boolean; configured: boolean }) {
  return (
    <>
      {props.failed ? (
        <ErrorBox title="Wrong token" detail="That is not this Worker's API token." />
      ) : null}
      {props.configured ? null : (
        <ErrorBox
          title="No API token is configured"
          detail="Set one with `wrangler secret put API_TOKEN` (or .dev.vars locally) before logging in."
        />
      )}
      <form class="card" method="post" action="/login">
        <input type="hidden" name="next" value={props.next} />
        <div class="fields">
          <label>
            API token
            <input type="password" name="token" required autocomplete="current-password" />
          </label>
          <button type="submit">Log in</button>
        </div>
        <p class="muted">Pages that send traffic to other hosts or change stored data need it.</p>
      </form>
    </>
  )
}
