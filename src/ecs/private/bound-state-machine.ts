import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** Called with the state machine a graph ends up defining. */
export type StateMachineListener = (stateMachine: sfn.StateMachine) => void;

interface GraphHooks {
  readonly listeners: StateMachineListener[];
  readonly forwardedTo: WeakSet<sfn.StateGraph>;
}

const HOOKS = new WeakMap<sfn.StateGraph, GraphHooks>();

/**
 * Calls `listener` with the `StateMachine` that `graph` defines, directly or through the graphs it is
 * nested in (Parallel branches and Map item processors are graphs of their own, registered into their
 * parent with `registerSuperGraph`).
 *
 * A task state learns its graph in `whenBoundToGraph`, while the state machine is being constructed and
 * before its ARN exists. `StateMachine` then calls the public `StateGraph.bind(stateMachine)` on its
 * top-level graph once its resource exists (DistributedMap's own grants rely on that call). There is no
 * public event for it, so this wraps `bind` and `registerSuperGraph` on the given graph instances only:
 * nothing global is patched, and graphs nobody listens to are untouched.
 */
export function whenStateMachineBound(graph: sfn.StateGraph, listener: StateMachineListener): void {
  const existing = HOOKS.get(graph);
  if (existing) {
    existing.listeners.push(listener);
    return;
  }
  const hooks: GraphHooks = { listeners: [listener], forwardedTo: new WeakSet() };
  HOOKS.set(graph, hooks);
  const notify: StateMachineListener = (stateMachine) => {
    for (const l of [...hooks.listeners]) l(stateMachine);
  };

  const bind = graph.bind;
  graph.bind = function (this: sfn.StateGraph, stateMachine: sfn.StateMachine): void {
    bind.call(this, stateMachine);
    notify(stateMachine);
  };

  const registerSuperGraph = graph.registerSuperGraph;
  graph.registerSuperGraph = function (this: sfn.StateGraph, superGraph: sfn.StateGraph): void {
    registerSuperGraph.call(this, superGraph);
    if (!hooks.forwardedTo.has(superGraph)) {
      hooks.forwardedTo.add(superGraph);
      whenStateMachineBound(superGraph, notify);
    }
  };
}
