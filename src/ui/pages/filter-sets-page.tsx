import { ErrorBox } from '../layout'

/** Saved flow-nfilter configurations: the list, and one set's text with save and delete. */
export function FilterSetsPage(props: {
  names: string[]
  current?: { name: string; config: string } | undefined
  authenticated: boolean
  csrf?: string | undefined
  error?: { title: string; detail?: string | undefined } | undefined
  saved?: string | undefined
}) {
  const c = props.current
  return (
    <>
      {props.error ? <ErrorBox title={props.error.title} detail={props.error.detail} /> : null}
      {props.saved ? (
        <p role="status" class="card">
          {props.saved}
        </p>
      ) : null}
      <p>
        flow-nfilter configurations (<code>filter-primitive</code> and{' '}
        <code>filter-definition</code>) kept under a name; the flow analyzer uses one with{' '}
        <code>filters=NAME</code> (or the Flows page's "Saved filter set").
      </p>
      <nav aria-label="Saved filter sets" class="card">
        {props.names.length === 0 ? (
          <p class="muted">None saved yet.</p>
        ) : (
          <ul>
            {props.names.map((n) => (
              <li>
                <a href={`/flows/filters/${encodeURIComponent(n)}`}>{n}</a>
              </li>
            ))}
          </ul>
        )}
      </nav>
      <form class="card" method="post" action="/flows/filters">
        <input type="hidden" name="csrf" value={props.csrf ?? ''} />
        <div class="fields">
          <div class="field">
            <label for="set-name">Name</label>
            <input
              id="set-name"
              name="name"
              value={c?.name ?? ''}
              required
              readonly={!props.authenticated}
            />
          </div>
        </div>
        <div class="field">
          <label for="set-config">filter.cfg</label>
          <textarea
            id="set-config"
            name="config"
            rows={16}
            cols={80}
            required
            readonly={!props.authenticated}
          >
            {c?.config ?? ''}
          </textarea>
        </div>
        {props.authenticated ? (
          <p>
            <button type="submit" name="action" value="save">
              Save
            </button>{' '}
            {c ? (
              <>
                <label style="display:inline">
                  <input type="checkbox" name="confirmDelete" value="yes" /> delete it for good
                </label>{' '}
                <button type="submit" name="action" value="delete">
                  Delete
                </button>
              </>
            ) : null}
          </p>
        ) : (
          <p class="muted">
            <a href="/login?next=%2Fflows%2Ffilters">Log in</a> to save or delete.
          </p>
        )}
      </form>
    </>
  )
}
