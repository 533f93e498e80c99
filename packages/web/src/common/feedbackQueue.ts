/**
 * Calls made before something they need has arrived, kept in order and made once it has; made at
 * once afterwards. The messages and confirmations of the app (common/feedback.tsx) use it while
 * their code is still on its way.
 */
export interface Waiting<T> {
  /** Makes `call` with the target now if it is here, else once it is (asking for it if need be). */
  call(call: (target: T) => void): void;
  /** The target has arrived: the calls kept so far are made, in the order they were asked for. */
  arrive(target: T): void;
  /**
   * The target could not be had: the calls kept so far are made with `stand-in` instead, and the
   * next call asks for the target again.
   */
  fail(standIn: T): void;
  /** Whether calls are kept, waiting for the target. */
  readonly waiting: boolean;
}

/** `fetch` is asked to get the target (and then to call `arrive` or `fail`) when first needed. */
export function waitingFor<T>(fetch: () => void): Waiting<T> {
  let target: T | undefined;
  let asked = false;
  const kept: ((target: T) => void)[] = [];
  return {
    call(call) {
      if (target !== undefined) return call(target);
      kept.push(call);
      if (!asked) {
        asked = true;
        fetch();
      }
    },
    arrive(arrived) {
      target = arrived;
      for (const call of kept.splice(0)) call(arrived);
    },
    fail(standIn) {
      asked = false;
      for (const call of kept.splice(0)) call(standIn);
    },
    get waiting() {
      return kept.length > 0;
    },
  };
}
