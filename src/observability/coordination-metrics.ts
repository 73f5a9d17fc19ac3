import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Coordination series on the gateway's registry: whether Redis answers (1/0), and requests
 * served without their budget or rate-limit check because it did not (`on_unavailable: allow`).
 */
export function registerCoordinationMetrics(registry: Registry, state: () => 'connected' | 'unavailable'): (check: 'budget' | 'rate_limit') => void {
  new Gauge({
    name: 'switchyard_coordination_up',
    help: 'Whether the coordination Redis answers (1) or not (0).',
    registers: [registry],
    collect() {
      this.set(state() === 'connected' ? 1 : 0);
    },
  });
  const failOpen = new Counter({
    name: 'switchyard_coordination_fail_open_total',
    help: 'Checks skipped because Redis could not answer and coordination.on_unavailable is allow.',
    labelNames: ['check'],
    registers: [registry],
  });
  failOpen.inc({ check: 'budget' }, 0);
  failOpen.inc({ check: 'rate_limit' }, 0);
  return (check) => failOpen.inc({ check });
}
