import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface ConfirmRequest {
  title: string;
  body: ComponentChildren;
  confirm: string;
}

/**
 * A modal confirmation on the native <dialog>: focus moves into it and stays there, Escape answers no.
 * Render `dialog` once; `ask` resolves with the answer.
 */
export function useConfirm(): { dialog: JSX.Element; ask: (request: ConfirmRequest) => Promise<boolean> } {
  const ref = useRef<HTMLDialogElement>(null);
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const answer = useRef<(yes: boolean) => void>(() => undefined);

  useEffect(() => {
    if (request && ref.current && !ref.current.open) {
      ref.current.showModal();
    }
  }, [request]);

  const ask = useCallback(async (next: ConfirmRequest) => {
    answer.current(false);
    setRequest(next);
    return new Promise<boolean>((resolve) => (answer.current = resolve));
  }, []);

  const close = (yes: boolean): void => {
    ref.current?.close();
    setRequest(null);
    answer.current(yes);
    answer.current = () => undefined;
  };

  const dialog = (
    <dialog ref={ref} class="confirm" aria-labelledby="confirm-title" onCancel={() => close(false)}>
      {request && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            close(true);
          }}
        >
          <h2 id="confirm-title">{request.title}</h2>
          <div class="confirm-body">{request.body}</div>
          <div class="actions">
            <button type="button" onClick={() => close(false)} autofocus>
              Keep
            </button>
            <button type="submit" class="danger">
              {request.confirm}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
  return { dialog, ask };
}
