/**
 * Calls made before something they need has arrived, kept in order and made once it has; made at
 * once afterwards. The messages and confirmations of the app (common/feedback.tsx) use it while
 * their code is still on its way.
 */
export interface Waiting<T> {
  /** Makes `call` with the target now if it is here, else once it is. */
  call(call: (target: T) => void): void;
  /** The target has arrived: the calls kept so far are made, in the order they were asked for. */
  arrive(target: T): void;
  /** Whether anything was asked for before the target arrived (it should then be fetched). */
  readonly wanted: boolean;
}

export function waitingFor<T>(onFirstWant: () => void): Waiting<T> {
  let target: T | undefined;
  let wanted = false;
  const kept: ((target: T) => void)[] = [];
  return {
    call(call) {
      if (target !== undefined) return call(target);
      kept.push(call);
      if (!wanted) {
        wanted = true;
        onFirstWant();
      }
    },
    arrive(arrived) {
      target = arrived;
      for (const call of kept.splice(0)) call(arrived);
    },
    get wanted() {
      return wanted;
    },
  };
}
