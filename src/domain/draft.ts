/**
 * Rules change a draft: a copy of the state, returned as the new state. JSON copies are
 * deterministic and the state is plain data by design.
 */
export function produce<S>(state: S, change: (draft: S) => void): S {
  const draft = JSON.parse(JSON.stringify(state)) as S;
  change(draft);
  return draft;
}
