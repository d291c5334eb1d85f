// The inspector's page: plain TypeScript and DOM over the JSON API, bundled with uPlot at build time.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './style.css';

interface StoredEvent {
  position: string;
  eventId: string;
  aggregateType: string;
  aggregateId: string;
  version: number;
  eventType: string;
  schemaVersion: number;
  occurredAt: string;
  data: unknown;
  metadata: unknown;
}
interface Processor {
  processorId: string;
  position: string;
  lag: string;
  parked: number;
  updatedAt: string;
}
interface ProjectionVersion {
  name: string;
  version: number;
  status: 'building' | 'active' | 'retired';
  checkpoint: string | null;
  lag: string | null;
  collections: string[];
}
interface StoredDocument {
  id: string;
  data: unknown;
  updatedAt: string;
}
interface Overview {
  location: string;
  head: string | null;
  allowWrites: boolean;
  subscriptions: boolean;
  models: { aggregateType: string; name: string }[];
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? response.statusText);
  return body as T;
}

function item(text: string, onClick?: () => void, testid?: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = text;
  if (testid !== undefined) li.dataset.testid = testid;
  if (onClick !== undefined) {
    li.tabIndex = 0;
    li.addEventListener('click', onClick);
    li.addEventListener('keydown', (e) => e.key === 'Enter' && onClick());
  }
  return li;
}

const describe = (e: StoredEvent) =>
  `#${e.position}  v${e.version}  ${e.eventType}${e.schemaVersion > 1 ? ` (schema ${e.schemaVersion})` : ''}  ${e.occurredAt}`;

let overview: Overview;

// ---- tabs
for (const button of document.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
  button.addEventListener('click', () => showTab(button.dataset.tab!));
}
function showTab(tab: string): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
    b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  }
  for (const section of document.querySelectorAll<HTMLElement>('section.tab'))
    section.hidden = section.id !== tab;
  if (tab === 'processors') void refreshProcessors();
  if (tab === 'projections') void loadProjections();
}

// ---- streams: keyset pages, never the whole list
let streamCursor: string | null = null;
async function loadStreams(reset: boolean): Promise<void> {
  const form = new FormData($<HTMLFormElement>('search'));
  const query = new URLSearchParams({ limit: '50' });
  for (const key of ['type', 'idPrefix']) {
    const value = String(form.get(key) ?? '').trim();
    if (value !== '') query.set(key, value);
  }
  if (!reset && streamCursor !== null) query.set('after', streamCursor);
  const page = await api<{
    streams: { aggregateType: string; aggregateId: string; version: number }[];
    next: string | null;
  }>(`/api/streams?${query}`);
  const list = $('stream-list');
  if (reset) list.replaceChildren();
  for (const s of page.streams) {
    const name = `${s.aggregateType}/${s.aggregateId}`;
    list.append(
      item(
        `${name}  (v${s.version})`,
        () => void openStream(s.aggregateType, s.aggregateId),
        `stream ${name}`,
      ),
    );
  }
  if (reset && page.streams.length === 0) list.append(item('no streams'));
  streamCursor = page.next;
  $('more-streams').hidden = page.next === null;
}
$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  void loadStreams(true);
});
$('more-streams').addEventListener('click', () => void loadStreams(false));

// ---- a stream's timeline
let current: { type: string; id: string; after: number | null } | undefined;
async function openStream(type: string, id: string): Promise<void> {
  current = { type, id, after: 0 };
  $('stream-title').textContent = `${type}/${id}`;
  $('timeline').replaceChildren();
  await moreEvents();
}
async function moreEvents(): Promise<void> {
  if (current === undefined || current.after === null) return;
  const { type, id } = current;
  const page = await api<{ events: StoredEvent[]; next: number | null }>(
    `/api/stream?${new URLSearchParams({ type, id, after: String(current.after), limit: '100' })}`,
  );
  for (const e of page.events)
    $('timeline').append(item(describe(e), () => void openEvent(e), `event ${e.position}`));
  current.after = page.next;
  $('more-events').hidden = page.next === null;
}
$('more-events').addEventListener('click', () => void moreEvents());

// ---- one event, and the state at its version
async function openEvent(e: StoredEvent): Promise<void> {
  const { event, upcast } = await api<{ event: StoredEvent; upcast: unknown }>(
    `/api/event?position=${e.position}`,
  );
  $('event-title').textContent = `${event.eventType} at position ${event.position}`;
  $('event-json').textContent = JSON.stringify(
    { ...event, upcast: upcast !== null, upcastAs: upcast ?? undefined },
    null,
    2,
  );
  const model = overview.models.find((m) => m.aggregateType === event.aggregateType);
  $('state-title').hidden = $('state-json').hidden = model === undefined;
  if (model === undefined) return;
  const query = new URLSearchParams({
    type: event.aggregateType,
    id: event.aggregateId,
    version: String(event.version),
  });
  try {
    const { state, version } = await api<{ state: unknown; version: number }>(`/api/state?${query}`);
    $('state-title').textContent = `State (${model.name}) at version ${version}`;
    $('state-json').textContent = JSON.stringify(state, null, 2);
  } catch (error) {
    $('state-json').textContent = `cannot rebuild the state: ${(error as Error).message}`;
  }
}

// ---- live tail over Server-Sent Events
function startTail(): void {
  if (!overview.subscriptions) {
    $('tail-list').append(item("this store's adapter has no live subscriptions yet"));
    return;
  }
  const source = new EventSource('/api/tail');
  source.onmessage = (message) => {
    const e = JSON.parse(message.data) as StoredEvent;
    const li = item(
      `${e.aggregateType}/${e.aggregateId}  ${describe(e)}  ${JSON.stringify(e.data)}`,
      () => {
        showTab('streams');
        void openStream(e.aggregateType, e.aggregateId).then(() => openEvent(e));
      },
      `tail ${e.position}`,
    );
    $('tail-list').prepend(li);
    $('head').textContent = `head ${e.position}`;
    // Bounded: the page keeps the newest 500 lines, however long it stays open.
    while ($('tail-list').childElementCount > 500) $('tail-list').lastElementChild!.remove();
  };
}

// ---- processors: lag table and a lag chart (uPlot), refreshed every second while shown
const lagHistory = new Map<string, number[]>();
const times: number[] = [];
let chart: uPlot | undefined;
async function refreshProcessors(): Promise<void> {
  const { processors, head, supported } = await api<{
    processors: Processor[];
    head: string | null;
    supported: boolean;
  }>('/api/processors');
  $('head').textContent = `head ${head ?? '(empty)'}`;
  const rows = processors.map((p) => {
    const tr = document.createElement('tr');
    tr.dataset.testid = `processor ${p.processorId}`;
    for (const text of [p.processorId, p.position, p.lag, String(p.parked), p.updatedAt]) {
      tr.append(Object.assign(document.createElement('td'), { textContent: text }));
    }
    const actions = document.createElement('td');
    if (overview.allowWrites) {
      const reset = Object.assign(document.createElement('button'), {
        textContent: 'Reset…',
        type: 'button',
      });
      reset.addEventListener('click', () => void resetProcessor(p.processorId));
      actions.append(reset);
    }
    tr.append(actions);
    return tr;
  });
  if (!supported)
    rows.push(
      Object.assign(document.createElement('tr'), { textContent: 'this adapter has no checkpoints yet' }),
    );
  $('processor-rows').replaceChildren(...rows);
  times.push(Date.now() / 1000);
  for (const p of processors) {
    const series = lagHistory.get(p.processorId) ?? new Array(times.length - 1).fill(null);
    series.push(Number(p.lag));
    lagHistory.set(p.processorId, series);
  }
  for (const series of lagHistory.values()) if (series.length < times.length) series.push(Number.NaN);
  drawChart();
}
function drawChart(): void {
  const ids = [...lagHistory.keys()];
  const data = [times.slice(-120), ...ids.map((id) => lagHistory.get(id)!.slice(-120))] as uPlot.AlignedData;
  if (chart === undefined || chart.series.length !== ids.length + 1) {
    chart?.destroy();
    const colours = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
    chart = new uPlot(
      {
        title: 'Lag (events behind the head)',
        width: Math.min(900, window.innerWidth - 40),
        height: 260,
        series: [{}, ...ids.map((id, i) => ({ label: id, stroke: colours[i % colours.length]!, width: 2 }))],
        axes: [{}, { label: 'events' }],
      },
      data,
      $('lag-chart'),
    );
  } else chart.setData(data);
}
async function resetProcessor(processorId: string): Promise<void> {
  const to = prompt(`Reset ${processorId}'s checkpoint to position (stop its instances first):`, '0');
  if (to === null) return;
  try {
    await api('/api/processors/reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ processorId, to }),
    });
  } catch (error) {
    alert((error as Error).message);
  }
  await refreshProcessors();
}
setInterval(() => {
  if (!$('processors').hidden) void refreshProcessors();
}, 1000);

// ---- projections: versions and their collections; a collection's documents in keyset pages (read-only)
let documentsCursor:
  | { projection: string; version: number; collection: string; next: string | null }
  | undefined;

async function loadProjections(): Promise<void> {
  const { supported, projections } = await api<{ supported: boolean; projections: ProjectionVersion[] }>(
    '/api/projections',
  );
  const hint = $('projections-hint');
  hint.hidden = supported && projections.length > 0;
  hint.textContent = supported ? 'No projections are stored yet.' : 'This store has no projections tables.';
  const list = $('projection-list');
  list.replaceChildren();
  for (const p of projections) {
    const lag = p.lag === null ? '' : `, lag ${p.lag}`;
    list.append(item(`${p.name} v${p.version} — ${p.status}${lag}`, undefined, 'projection'));
    for (const collection of p.collections) {
      list.append(
        item(
          `↳ ${collection}`,
          () => void openCollection(p.name, p.version, collection),
          `collection-${p.name}-${p.version}-${collection}`,
        ),
      );
    }
  }
}
async function openCollection(projection: string, version: number, collection: string): Promise<void> {
  $('documents-title').textContent = `${projection} v${version} / ${collection}`;
  $('document-list').replaceChildren();
  documentsCursor = { projection, version, collection, next: null };
  await moreDocuments(true);
}
async function moreDocuments(first = false): Promise<void> {
  if (documentsCursor === undefined) return;
  const { projection, version, collection, next } = documentsCursor;
  const query = new URLSearchParams({ projection, version: String(version), collection, limit: '50' });
  if (!first && next !== null) query.set('after', next);
  const page = await api<{ documents: StoredDocument[]; next: string | null }>(`/api/documents?${query}`);
  for (const d of page.documents) {
    $('document-list').append(
      item(
        d.id,
        () => {
          $('document-json').textContent = JSON.stringify(d, null, 2);
        },
        'document',
      ),
    );
  }
  documentsCursor.next = page.next;
  $('more-documents').hidden = page.next === null;
}
$('more-documents').addEventListener('click', () => void moreDocuments());

// ---- start
overview = await api<Overview>('/api/overview');
$('store').textContent = overview.location;
$('head').textContent = `head ${overview.head ?? '(empty)'}`;
await loadStreams(true);
startTail();
document.body.dataset.ready = 'true';
