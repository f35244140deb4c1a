/**
 * A pod-lifetime chart: one row per pod, a grey bar while Pending, then a bar while it ran,
 * coloured by how it ended. Rows in creation order make a staircase for a sequential Job and a
 * stack of overlapping bars for a parallel one, which is the point the lesson tries to make.
 */
import { escapeXml } from './escape.ts';
import type { PodLifetime } from './verification-report.ts';

export interface TimelineOptions {
  title: string;
  /** Epoch ms drawn as 0 s; defaults to the first pod's creation. */
  origin?: number;
  /** Epoch ms where unfinished bars end; defaults to the latest time seen. */
  end?: number;
  width?: number;
}

export const TIMELINE_COLOURS = {
  pending: '#9e9e9e',
  running: '#1e88e5',
  succeeded: '#43a047',
  failed: '#e53935',
  deleted: '#fb8c00',
} as const;

const LABEL_WIDTH = 170;
const RIGHT_WIDTH = 110;
const ROW_HEIGHT = 22;
const BAR_HEIGHT = 14;
const TOP = 46;
const TICK_STEPS_S = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

export function svgTimeline(pods: readonly PodLifetime[], options: TimelineOptions): string {
  const width = options.width ?? 760;
  const rows = [...pods].sort((a, b) => a.createdAt - b.createdAt);
  const times = rows.flatMap((p) => [p.createdAt, p.startedAt, p.finishedAt]).filter((t): t is number => t !== undefined);
  const origin = options.origin ?? (times.length > 0 ? Math.min(...times) : 0);
  const end = Math.max(options.end ?? Math.max(...times, origin), origin + 1000);
  const plot = width - LABEL_WIDTH - RIGHT_WIDTH;
  const x = (t: number) => LABEL_WIDTH + ((Math.min(Math.max(t, origin), end) - origin) / (end - origin)) * plot;
  const height = TOP + Math.max(rows.length, 1) * ROW_HEIGHT + 40;
  // Unique per chart so several charts inlined in one HTML page do not share element ids.
  const hatch = `hatch-${hash(options.title + origin)}`;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(options.title)}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<defs><pattern id="${hatch}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${TIMELINE_COLOURS.deleted}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="3"/></pattern></defs>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  parts.push(...axis(origin, end, x, height));
  if (rows.length === 0) {
    parts.push(`<text x="${LABEL_WIDTH + plot / 2}" y="${TOP + 15}" text-anchor="middle" fill="#666">no pods</text>`);
  }
  rows.forEach((pod, i) => parts.push(podRow(pod, TOP + i * ROW_HEIGHT, origin, end, x, hatch)));
  parts.push(legend(height - 14, hatch), '</svg>');
  return parts.join('\n');
}

function axis(origin: number, end: number, x: (t: number) => number, height: number): string[] {
  const spanS = (end - origin) / 1000;
  const step = TICK_STEPS_S.find((s) => spanS / s <= 10) ?? 3600;
  const out: string[] = [];
  for (let s = 0; s <= spanS + 1e-9; s += step) {
    const px = x(origin + s * 1000).toFixed(1);
    out.push(`<line x1="${px}" y1="${TOP - 6}" x2="${px}" y2="${height - 30}" stroke="#e0e0e0"/>`,
      `<text x="${px}" y="${TOP - 10}" text-anchor="middle" fill="#555">${Number(s.toFixed(1))}s</text>`);
  }
  return out;
}

function podRow(pod: PodLifetime, y: number, origin: number, end: number, x: (t: number) => number, hatch: string): string {
  const barY = y + (ROW_HEIGHT - BAR_HEIGHT) / 2;
  const stop = pod.finishedAt ?? end;
  const rect = (from: number, to: number, fill: string, cls: string) =>
    `<rect class="${cls}" x="${x(from).toFixed(1)}" y="${barY}" width="${Math.max(x(to) - x(from), 2).toFixed(1)}" height="${BAR_HEIGHT}" fill="${fill}"/>`;
  const ranFill = pod.outcome === 'Succeeded' ? TIMELINE_COLOURS.succeeded
    : pod.outcome === 'Failed' ? TIMELINE_COLOURS.failed
    : pod.outcome === 'Deleted' ? `url(#${hatch})`
    : TIMELINE_COLOURS.running;
  const rel = (t: number | undefined) => (t === undefined ? '—' : `+${((t - origin) / 1000).toFixed(1)}s`);
  const tooltip = `${pod.name}: created ${rel(pod.createdAt)}, started ${rel(pod.startedAt)}, finished ${rel(pod.finishedAt)}; ${pod.outcome}, ${pod.restarts} restart${pod.restarts === 1 ? '' : 's'}`;
  const bars = [rect(pod.createdAt, pod.startedAt ?? stop, pod.outcome === 'Deleted' && pod.startedAt === undefined ? `url(#${hatch})` : TIMELINE_COLOURS.pending, 'pending')];
  if (pod.startedAt !== undefined) bars.push(rect(pod.startedAt, stop, ranFill, pod.outcome.toLowerCase()));
  const restarts = pod.restarts > 0 ? ` ↻${pod.restarts}` : '';
  return [
    `<g><title>${escapeXml(tooltip)}</title>`,
    `<text x="${LABEL_WIDTH - 6}" y="${barY + 11}" text-anchor="end">${escapeXml(pod.name)}</text>`,
    ...bars,
    `<text x="${(Math.max(x(stop), LABEL_WIDTH) + 6).toFixed(1)}" y="${barY + 11}" fill="#333">${escapeXml(pod.outcome + restarts)}</text>`,
    '</g>',
  ].join('');
}

function legend(y: number, hatch: string): string {
  const items: [string, string][] = [
    ['pending', TIMELINE_COLOURS.pending], ['running', TIMELINE_COLOURS.running], ['succeeded', TIMELINE_COLOURS.succeeded],
    ['failed', TIMELINE_COLOURS.failed], ['deleted', `url(#${hatch})`],
  ];
  return items.map(([label, fill], i) =>
    `<rect x="${LABEL_WIDTH + i * 95}" y="${y - 9}" width="12" height="10" fill="${fill}"/><text x="${LABEL_WIDTH + i * 95 + 16}" y="${y}" fill="#333">${label}</text>`).join('');
}

function hash(text: string): string {
  let h = 0;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return (h >>> 0).toString(36);
}
