import { ApiError, describeError } from '../api';

/** A failed load, said in the page (a 401 shows the login page instead). */
export function ErrorNote({ error }: { error: unknown }) {
  if (error === undefined || error === null || (error instanceof DOMException && error.name === 'AbortError')) {
    return null;
  }
  if (error instanceof ApiError && error.status === 401) {
    return null;
  }
  return (
    <p class="error" role="alert">
      {describeError(error)}
    </p>
  );
}
