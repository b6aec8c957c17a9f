import { html } from 'hono/html';
import type { AuditEventRecord } from '../../store/store.js';
import { LANE_NAMES, LANES, type FlowStep, type FlowTimeline, type Lane } from '../flow-steps.js';
import { Layout } from './layout.js';

const WIDTH = 760;
const LANE_X: Record<Lane, number> = { person: 95, client: 285, auth: 475, mcp: 665 };
const TOP = 58;
const ROW = 62;

const iso = (at: number) => new Date(at * 1000).toISOString();
const short = (at: number) => `${iso(at).slice(0, 19).replace('T', ' ')} UTC`;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function When(props: { at: number }) {
  return <time datetime={iso(props.at)}>{short(props.at)}</time>;
}

/**
 * The flow as a sequence diagram in inline SVG: one lane per participant, one arrow per step, red with the
 * rule beneath for a refusal. Drawn with attributes and classes only (the CSP allows no inline style), and
 * every value escaped by hono/html.
 */
function SequenceDiagram(props: { timeline: FlowTimeline; index: number }) {
  const { steps } = props.timeline;
  const height = TOP + Math.max(steps.length, 1) * ROW + 16;
  const ok = `ok-${props.index}`;
  const bad = `bad-${props.index}`;
  const lanes = LANES.map(
    (lane) => html`<g class="seq-lane"><rect x="${LANE_X[lane] - 86}" y="6" width="172" height="30" rx="6"></rect>
<text x="${LANE_X[lane]}" y="26" text-anchor="middle">${LANE_NAMES[lane]}</text>
<line x1="${LANE_X[lane]}" y1="36" x2="${LANE_X[lane]}" y2="${height - 6}"></line></g>`,
  );
  const arrows = steps.map((s: FlowStep, i: number) => {
    const y = TOP + i * ROW + 22;
    const cls = s.outcome === 'failure' ? 'seq-fail' : 'seq-ok';
    const marker = s.outcome === 'failure' ? bad : ok;
    const x1 = LANE_X[s.from];
    const x2 = LANE_X[s.to];
    const label = `${i + 1}. ${s.label}${s.original ? ` (original step ${s.original})` : ''}`;
    const note = s.outcome === 'failure' ? clip(s.rule ?? s.error ?? '', 96) : '';
    const path =
      x1 === x2
        ? html`<path class="${cls}" d="M ${x1} ${y - 8} h 46 v 16 h -40" marker-end="url(#${marker})"></path>`
        : html`<line class="${cls}" x1="${x1}" y1="${y}" x2="${x2 + (x2 > x1 ? -6 : 6)}" y2="${y}" marker-end="url(#${marker})"></line>`;
    const mid = x1 === x2 ? x1 + 56 : (x1 + x2) / 2;
    const anchor = x1 === x2 ? 'start' : 'middle';
    return html`<g>${path}<text class="seq-label" x="${mid}" y="${y - 8}" text-anchor="${anchor}">${clip(label, 70)}</text>${
      note ? html`<text class="seq-rule" x="${mid}" y="${y + 16}" text-anchor="${anchor}">${note}</text>` : ''
    }</g>`;
  });
  return html`<svg class="seq" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="seq-title-${props.index}">
<title id="seq-title-${props.index}">Sequence diagram of flow ${props.timeline.flow.flowId}</title>
<defs>
<marker id="${ok}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="seq-head-ok" d="M0,0 L10,5 L0,10 z"></path></marker>
<marker id="${bad}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="seq-head-fail" d="M0,0 L10,5 L0,10 z"></path></marker>
</defs>
${lanes}${arrows}</svg>`;
}

/** The steps again as text: the diagram's accessible twin, with the full rule and detail of each. */
function StepList(props: { steps: FlowStep[] }) {
  return (
    <ol class="steps">
      {props.steps.map((s) => (
        <li class={s.outcome === 'failure' ? 'step failed' : 'step'}>
          <span class="step-head">
            <strong>{s.label}</strong> <span class="muted small">{LANE_NAMES[s.from]} → {LANE_NAMES[s.to]}</span>{' '}
            <span class={s.outcome === 'failure' ? 'outcome bad' : 'outcome good'}>{s.outcome === 'failure' ? `refused${s.error ? `: ${s.error}` : ''}` : 'ok'}</span>
          </span>
          <span class="small muted">
            <When at={s.at} />
            {s.subject && ` · subject ${s.subject}`}
          </span>
          {s.rule && (
            <span class="rule">
              Rule: <code>{s.rule}</code>
            </span>
          )}
          {s.detail && <span class="small">{s.detail}</span>}
        </li>
      ))}
    </ol>
  );
}

const STATUS_TEXT = { connected: 'connected: reached the MCP server', failed: 'failed', 'in progress': 'in progress' } as const;

function FlowCard(props: { timeline: FlowTimeline; index: number; link: boolean }) {
  const t = props.timeline;
  return (
    <section class="flow" aria-labelledby={`flow-${props.index}`}>
      <div class="heading-row">
        <h2 id={`flow-${props.index}`}>
          {props.link ? <a href={`/admin/flows/${encodeURIComponent(t.flow.flowId)}`}>{t.clientName ?? t.flow.clientId}</a> : (t.clientName ?? t.flow.clientId)}
        </h2>
        <span class={`status ${t.status.replace(' ', '-')}`}>{STATUS_TEXT[t.status]}</span>
      </div>
      <p class="small muted">
        client <code>{t.flow.clientId}</code> · flow <code>{t.flow.flowId}</code> · started <When at={t.flow.startedAt} /> · last step{' '}
        <When at={t.flow.updatedAt} />
      </p>
      {t.steps.length === 0 ? <p class="muted">No steps recorded yet.</p> : <SequenceDiagram timeline={t} index={props.index} />}
      <StepList steps={t.steps} />
    </section>
  );
}

function DemoNotice(props: { demo: boolean }) {
  return props.demo ? (
    <p class="warning" role="note">
      Demo mode: this page is open without signing in, as the demo user is an administrator and demo mode has no login. Outside demo
      mode only signed-in administrators see it.
    </p>
  ) : null;
}

export interface FlowsView {
  demo: boolean;
  timelines: FlowTimeline[];
  /** Recent refusals that belong to no flow (unknown client, refused registration). */
  orphans: AuditEventRecord[];
}

/** /admin/flows: recent flows, newest first, each as a live version of the original's 13-step diagram. */
export function FlowsPage(v: FlowsView) {
  return (
    <Layout title="Flows" wide>
      <h1>Recent flows</h1>
      <p class="lead">
        Each flow follows one client from registration through authorization, consent and token to its first MCP call. A refused step
        names the rule that refused it.
      </p>
      <DemoNotice demo={v.demo} />
      {v.timelines.length === 0 && <p class="muted">No flows yet. Connect a client, or run <code>mcp-auth-server flow</code>.</p>}
      {v.timelines.map((t, i) => (
        <FlowCard timeline={t} index={i} link />
      ))}
      {v.orphans.length > 0 && (
        <section class="flow" aria-labelledby="orphans">
          <h2 id="orphans">Refusals outside any flow</h2>
          <p class="small muted">Requests from clients this server does not know, and refused registrations.</p>
          <ul class="plain">
            {v.orphans.map((e) => (
              <li class="step failed">
                <span class="step-head">
                  <strong>{e.type}</strong> <span class="outcome bad">{e.error ?? 'refused'}</span>
                </span>
                <span class="small muted">
                  <When at={e.at} />
                  {e.clientId && ` · client ${e.clientId}`}
                </span>
                {e.rule && (
                  <span class="rule">
                    Rule: <code>{e.rule}</code>
                  </span>
                )}
                {e.detail && <span class="small">{e.detail}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </Layout>
  );
}

/** /admin/flows/:id: one flow. */
export function FlowPage(v: { demo: boolean; timeline: FlowTimeline }) {
  return (
    <Layout title={`Flow ${v.timeline.flow.flowId}`} wide>
      <p class="small">
        <a href="/admin/flows">← All recent flows</a>
      </p>
      <DemoNotice demo={v.demo} />
      <FlowCard timeline={v.timeline} index={0} link={false} />
    </Layout>
  );
}
