import { HintedError } from '../hinted-error';

/** The hint of the 400 that `run` throws; fails the test when it throws anything else or nothing. */
export function hintOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HintedError);
    expect((error as HintedError).status).toBe(400);
    return (error as HintedError).hint;
  }
  throw new Error('expected a HintedError');
}
