import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { signInRoles } from '../../test/releases';
import { MONITORING, SESSIONS_FOR_A_DAY, readyRelease } from '../../test/implementation';
import {
  oneValue,
  startExporter,
  startPrometheus,
  waitForValue,
  type Exporter,
  type PrometheusServer,
} from '../../test/prometheus';

const QUERY = 'sum(billing_error_ratio)';

// A real Prometheus (Debian's package) scrapes a small exporter the test runs; ReleaseGate reads
// the plan's indicator from Prometheus' query API on its schedule (a job), as in production.
describe.each(DIALECTS)('indicators read from Prometheus on %s', (dialect) => {
  let exporter: Exporter;
  let prometheus: PrometheusServer;
  let t: TestApp;
  beforeAll(async () => {
    exporter = await startExporter();
    exporter.setGauge('billing_error_ratio', { service: 'billing' }, 0.01);
    prometheus = await startPrometheus({ scrapeTargets: [exporter] });
    await waitForValue(prometheus.url, QUERY, oneValue(0.01));
  });
  afterAll(async () => {
    await prometheus.stop();
    await exporter.close();
  });
  beforeEach(async () => {
    t = await startTestApp(dialect, { ...SESSIONS_FOR_A_DAY, PROMETHEUS_URL: prometheus.url });
    t.clock.set('2026-02-01T14:30:00Z');
  });
  afterEach(async () => {
    await t.close();
  });

  it('IM-4 RB-1 the scheduled reading records the value and, beyond the threshold, raises a trigger by itself', async () => {
    exporter.setGauge('billing_error_ratio', { service: 'billing' }, 0.01);
    await waitForValue(prometheus.url, QUERY, oneValue(0.01));
    const c = await signInRoles(t);
    const r = await readyRelease(t, c, {
      plan: (content) => ({
        ...content,
        monitoring: {
          ...MONITORING,
          indicators: [{ ...MONITORING.indicators[0], query: QUERY }, MONITORING.indicators[1]],
        },
      }),
    });
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    // Starting implementation schedules the first reading now.
    expect(await t.app.jobs.runDue()).toBe(1);
    let view = (await c.biz.get(`/api/releases/${r.id}/monitoring`)).body;
    expect(view.prometheus).toBe(true);
    expect(view.indicators[0].readings).toEqual([
      expect.objectContaining({ value: 0.01, source: 'prometheus', breached: false }),
    ]);
    // The next reading is due a poll interval (60 s by default) later, not before.
    expect(await t.app.jobs.runDue()).toBe(0);

    exporter.setGauge('billing_error_ratio', { service: 'billing' }, 0.2);
    await waitForValue(prometheus.url, QUERY, oneValue(0.2));
    t.clock.advance(60_000);
    expect(await t.app.jobs.runDue()).toBe(1);
    view = (await c.biz.get(`/api/releases/${r.id}/monitoring`)).body;
    expect(view.indicators[0].readings.map((x: any) => [x.value, x.breached])).toEqual([
      [0.01, false],
      [0.2, true],
    ]);
    const triggers = (await c.biz.get(`/api/releases/${r.id}/rollback`)).body.triggers;
    expect(triggers).toEqual([
      expect.objectContaining({ kind: 'performance', source: 'metric', decision: null }),
    ]);
    expect(triggers[0].evidence).toContain(`Prometheus: ${QUERY}`);
    // the same evidence as a catalog reason, which readers see in their language.
    expect(triggers[0].evidenceReason).toEqual({
      code: 'trigger_evidence_prometheus',
      params: { query: QUERY, at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), indicator: 'error_ratio' },
    });
  });

  it('IM-4 an indicator Prometheus cannot answer leaves a warning in the release log, not a silent gap', async () => {
    const c = await signInRoles(t);
    const r = await readyRelease(t, c, {
      plan: (content) => ({
        ...content,
        monitoring: {
          ...MONITORING,
          indicators: [{ ...MONITORING.indicators[0], query: 'sum(no_such_metric)' }],
        },
      }),
    });
    await c.impl.post(`/api/releases/${r.id}/implementation/start`);
    expect(await t.app.jobs.runDue()).toBe(1);
    const logs = (await c.biz.get(`/api/releases/${r.id}/logs?level=warn`)).body;
    expect(logs).toEqual([expect.objectContaining({ source: 'prometheus' })]);
    expect(logs[0].message).toContain('indicator error_ratio could not be read from Prometheus (no_data');
  });
});
