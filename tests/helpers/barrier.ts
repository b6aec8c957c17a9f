/**
 * A meeting point for N concurrent requests: each arrival waits until all N have arrived, then all are
 * released together. If the requests were handled one after another anywhere on the way, the first could never
 * be released: after `timeoutMs` each waiting arrival gives up and reports how many had arrived (never a timing
 * threshold on the answer: the outcome is "released" or "gave up").
 */
export function barrier(parties: number, timeoutMs: number) {
  let arrived = 0;
  let releaseAll!: () => void;
  const allArrived = new Promise<void>((resolve) => (releaseAll = resolve));
  return {
    /** Resolves `released` once all parties are here, or `gave up at k/N` after the timeout. */
    async arrive(): Promise<string> {
      arrived += 1;
      if (arrived === parties) releaseAll();
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`gave up at ${arrived}/${parties}`), timeoutMs)));
      try {
        return await Promise.race([allArrived.then(() => 'released'), gaveUp]);
      } finally {
        clearTimeout(timer);
      }
    },
    get arrived() {
      return arrived;
    },
  };
}
