import type { StreamStateMachine } from './ir/stream.ts';

/** The ten-line adapter: a push/finish state machine as a Web TransformStream. */
export function toTransformStream<In, Out>(machine: StreamStateMachine<In, Out>): TransformStream<In, Out> {
  return new TransformStream<In, Out>({
    transform(chunk, controller) {
      for (const out of machine.push(chunk)) controller.enqueue(out);
    },
    flush(controller) {
      for (const out of machine.finish()) controller.enqueue(out);
    },
  });
}
