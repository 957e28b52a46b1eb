/**
 * CONSORT 2010 flow counts from the trial's own records, pooled across arms for blinded viewers,
 * and the flow diagram as SVG. Analysis follows intention to treat: participants are counted in
 * the arm they were randomised to, whatever they received.
 */
import { badRequest } from '../shared/errors.ts';
import type { Protocol } from './protocol.ts';

/** What the record says of one screened participant. */
export interface ConsortRecord {
  participant: string;
  eligible: boolean;
  /** Why not eligible, e.g. the criterion not met. */
  ineligibleReason?: string;
  consentRefused?: boolean;
  /** Eligible and consenting, yet not randomised: why. */
  notRandomisedReason?: string;
  /** The arm randomised to; absent when not randomised. */
  arm?: string;
  /** First dose taken or kit dispensed. */
  receivedAllocation?: boolean;
  notReceivedReason?: string;
  discontinuedReason?: string;
  lostToFollowUpReason?: string;
  /** Withdrawal from the trial, with the participant's choice of whether data already collected may be used. */
  withdrawal?: { reason: string; dataMayBeUsed: boolean };
  /** The primary outcome was measured at its analysis visit. */
  hasPrimaryOutcome?: boolean;
}

/** Counts by reason, in reason order. */
export type ReasonCounts = Record<string, number>;

export interface ArmFlow {
  allocated: number;
  received: number;
  notReceived: number;
  lostToFollowUp: number;
  discontinued: number;
  analysed: number;
  excludedFromAnalysis: number;
  reasons: { notReceived: ReasonCounts; lostToFollowUp: ReasonCounts; discontinued: ReasonCounts; excludedFromAnalysis: ReasonCounts };
}

export interface ConsortCounts {
  assessed: number;
  excluded: {
    total: number;
    reasons: { notMeetingCriteria: number; declinedToParticipate: number; otherReasons: number };
    details: { notMeetingCriteria: ReasonCounts; otherReasons: ReasonCounts };
  };
  /** Always the sum of the arms' `allocated`. */
  randomised: number;
  arms: ({ arm: string } & ArmFlow)[];
}

/** For blinded viewers: the arms merged into one flow, with no arm label anywhere. */
export type PooledConsortCounts = Omit<ConsortCounts, 'arms'> & { pooled: ArmFlow };

export function consortCounts(protocol: Pick<Protocol, 'arms'>, records: readonly ConsortRecord[]): ConsortCounts {
  const labels = protocol.arms.map((arm) => arm.label);
  const notRandomised = records.filter((record) => record.arm === undefined);
  const ineligible = notRandomised.filter((record) => !record.eligible);
  const declined = notRandomised.filter((record) => record.eligible && record.consentRefused);
  const other = notRandomised.filter((record) => record.eligible && !record.consentRefused);
  for (const record of records) {
    if (record.arm === undefined) continue;
    if (!labels.includes(record.arm)) throw badRequest(`arm of ${record.participant}`, `"${record.arm}" is not an arm of the trial`);
    if (!record.eligible || record.consentRefused) throw badRequest(`arm of ${record.participant}`, 'randomised without eligibility and consent');
  }
  const arms = labels.map((arm) => ({ arm, ...armFlow(records.filter((record) => record.arm === arm)) }));
  return {
    assessed: records.length,
    excluded: {
      total: notRandomised.length,
      reasons: { notMeetingCriteria: ineligible.length, declinedToParticipate: declined.length, otherReasons: other.length },
      details: {
        notMeetingCriteria: countReasons(ineligible.map((record) => record.ineligibleReason)),
        otherReasons: countReasons(other.map((record) => record.notRandomisedReason)),
      },
    },
    randomised: arms.reduce((sum, arm) => sum + arm.allocated, 0),
    arms,
  };
}

function armFlow(allocated: readonly ConsortRecord[]): ArmFlow {
  const notReceived = allocated.filter((record) => !record.receivedAllocation);
  // A withdrawal ends follow-up, so it counts as lost to follow-up with its reason.
  const lost = allocated.filter((record) => record.lostToFollowUpReason !== undefined || record.withdrawal !== undefined);
  const discontinued = allocated.filter((record) => record.discontinuedReason !== undefined);
  const excluded = allocated.filter((record) => !isAnalysed(record));
  return {
    allocated: allocated.length,
    received: allocated.length - notReceived.length,
    notReceived: notReceived.length,
    lostToFollowUp: lost.length,
    discontinued: discontinued.length,
    analysed: allocated.length - excluded.length,
    excludedFromAnalysis: excluded.length,
    reasons: {
      notReceived: countReasons(notReceived.map((record) => record.notReceivedReason)),
      lostToFollowUp: countReasons(lost.map((record) => record.lostToFollowUpReason ?? `withdrew: ${record.withdrawal?.reason}`)),
      discontinued: countReasons(discontinued.map((record) => record.discontinuedReason)),
      excludedFromAnalysis: countReasons(
        excluded.map((record) => (record.withdrawal && !record.withdrawal.dataMayBeUsed ? 'withdrew permission to use data' : 'no primary outcome data')),
      ),
    },
  };
}

/** Analysed: the primary outcome was measured and the participant has not withdrawn the use of their data. */
const isAnalysed = (record: ConsortRecord) => record.hasPrimaryOutcome === true && record.withdrawal?.dataMayBeUsed !== false;

function countReasons(reasons: readonly (string | undefined)[]): ReasonCounts {
  const counts: ReasonCounts = {};
  for (const reason of reasons) {
    const key = reason?.trim() || 'reason not recorded';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function pooledConsortCounts(counts: ConsortCounts): PooledConsortCounts {
  const { arms, ...rest } = counts;
  const sum = (field: keyof Omit<ArmFlow, 'reasons'>) => arms.reduce((total, arm) => total + arm[field], 0);
  const merged = (field: keyof ArmFlow['reasons']) => countReasons(arms.flatMap((arm) => Object.entries(arm.reasons[field]).flatMap(([reason, n]) => Array<string>(n).fill(reason))));
  return {
    ...rest,
    pooled: {
      allocated: sum('allocated'),
      received: sum('received'),
      notReceived: sum('notReceived'),
      lostToFollowUp: sum('lostToFollowUp'),
      discontinued: sum('discontinued'),
      analysed: sum('analysed'),
      excludedFromAnalysis: sum('excludedFromAnalysis'),
      reasons: { notReceived: merged('notReceived'), lostToFollowUp: merged('lostToFollowUp'), discontinued: merged('discontinued'), excludedFromAnalysis: merged('excludedFromAnalysis') },
    },
  };
}

// The diagram: 14 px text (readable above the 12 px floor), boxes 300 px wide, one column per arm.
const FONT_SIZE = 14;
const LINE_HEIGHT = 19;
const PADDING = 10;
const BOX_WIDTH = 300;
const GAP = 40;
const STAGE_WIDTH = 110;
const MARGIN = 20;
// About 7.5 px a character at 14 px sans-serif: the characters that fit inside a box's padding.
const CHARACTERS_PER_LINE = Math.floor((BOX_WIDTH - 2 * PADDING) / 7.5);

interface Box {
  x: number;
  y: number;
  height: number;
  lines: string[];
}

/** The CONSORT flow diagram: enrolment, allocation, follow-up and analysis, one column per arm (one for pooled counts). */
export function consortSvg(counts: ConsortCounts | PooledConsortCounts): string {
  const columns = 'arms' in counts ? counts.arms.map((arm) => ({ title: `Allocated to ${arm.arm}`, flow: arm })) : [{ title: 'Allocated (arms pooled while blinded)', flow: counts.pooled }];
  const contentLeft = MARGIN + STAGE_WIDTH + GAP / 2;
  const contentWidth = columns.length * BOX_WIDTH + (columns.length - 1) * GAP;
  const centre = contentLeft + Math.max(contentWidth, BOX_WIDTH) / 2;
  const columnX = (k: number) => contentLeft + (Math.max(contentWidth, BOX_WIDTH) - contentWidth) / 2 + k * (BOX_WIDTH + GAP);
  const box = (x: number, y: number, lines: string[]): Box => {
    const wrapped = lines.flatMap(wrap);
    return { x, y, lines: wrapped, height: wrapped.length * LINE_HEIGHT + 2 * PADDING };
  };
  const tallest = (boxes: Box[]) => Math.max(...boxes.map((b) => b.height));

  const { excluded } = counts;
  const assessed = box(centre - BOX_WIDTH / 2, MARGIN, [`Assessed for eligibility (n=${counts.assessed})`]);
  const excludedBox = box(centre + BOX_WIDTH / 2 + GAP, assessed.y + assessed.height + GAP / 2, [
    `Excluded (n=${excluded.total})`,
    `• Not meeting inclusion criteria (n=${excluded.reasons.notMeetingCriteria})`,
    ...reasonLines(excluded.details.notMeetingCriteria),
    `• Declined to participate (n=${excluded.reasons.declinedToParticipate})`,
    `• Other reasons (n=${excluded.reasons.otherReasons})`,
    ...reasonLines(excluded.details.otherReasons),
  ]);
  const randomised = box(centre - BOX_WIDTH / 2, excludedBox.y + excludedBox.height + GAP / 2, [`Randomised (n=${counts.randomised})`]);
  const allocationY = randomised.y + randomised.height + GAP;
  const allocation = columns.map(({ title, flow }, k) =>
    box(columnX(k), allocationY, [
      `${title} (n=${flow.allocated})`,
      `• Received allocated intervention (n=${flow.received})`,
      `• Did not receive allocated intervention (n=${flow.notReceived})`,
      ...reasonLines(flow.reasons.notReceived),
    ]),
  );
  const followUpY = allocationY + tallest(allocation) + GAP;
  const followUp = columns.map(({ flow }, k) =>
    box(columnX(k), followUpY, [
      `Lost to follow-up (n=${flow.lostToFollowUp})`,
      ...reasonLines(flow.reasons.lostToFollowUp),
      `Discontinued intervention (n=${flow.discontinued})`,
      ...reasonLines(flow.reasons.discontinued),
    ]),
  );
  const analysisY = followUpY + tallest(followUp) + GAP;
  const analysis = columns.map(({ flow }, k) =>
    box(columnX(k), analysisY, [`Analysed (n=${flow.analysed})`, `• Excluded from analysis (n=${flow.excludedFromAnalysis})`, ...reasonLines(flow.reasons.excludedFromAnalysis)]),
  );
  const bottom = analysisY + tallest(analysis);
  const width = Math.max(columnX(columns.length - 1) + BOX_WIDTH, excludedBox.x + BOX_WIDTH) + MARGIN;
  const height = bottom + MARGIN;

  const stages: [string, number, number][] = [
    ['Enrolment', assessed.y, randomised.y + randomised.height],
    ['Allocation', allocationY, allocationY + tallest(allocation)],
    ['Follow-up', followUpY, followUpY + tallest(followUp)],
    ['Analysis', analysisY, bottom],
  ];
  const branchY = allocationY - GAP / 2;
  const arrows = [
    arrow([centre, assessed.y + assessed.height], [centre, randomised.y]),
    arrow([centre, excludedBox.y + excludedBox.height / 2], [excludedBox.x, excludedBox.y + excludedBox.height / 2]),
    line([centre, randomised.y + randomised.height], [centre, branchY]),
    line([columnX(0) + BOX_WIDTH / 2, branchY], [columnX(columns.length - 1) + BOX_WIDTH / 2, branchY]),
    ...allocation.map((b) => arrow([b.x + BOX_WIDTH / 2, branchY], [b.x + BOX_WIDTH / 2, b.y])),
    ...allocation.map((b, k) => arrow([b.x + BOX_WIDTH / 2, b.y + b.height], [b.x + BOX_WIDTH / 2, followUp[k].y])),
    ...followUp.map((b, k) => arrow([b.x + BOX_WIDTH / 2, b.y + b.height], [b.x + BOX_WIDTH / 2, analysis[k].y])),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="consort-title" font-family="system-ui, sans-serif" font-size="${FONT_SIZE}">`,
    '<title id="consort-title">CONSORT flow diagram</title>',
    '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker></defs>',
    '<rect width="100%" height="100%" fill="#fff"/>',
    ...stages.map(([name, top, end]) => stageBanner(name, top, end)),
    ...arrows,
    ...[assessed, excludedBox, randomised, ...allocation, ...followUp, ...analysis].map(drawBox),
    '</svg>',
  ].join('\n');
}

const reasonLines = (reasons: ReasonCounts) => Object.entries(reasons).map(([reason, n]) => `    – ${reason} (n=${n})`);

/** Breaks a line at spaces to fit a box; continuation lines keep the line's indent, and two spaces more. */
function wrap(text: string): string[] {
  const indent = text.slice(0, text.length - text.trimStart().length);
  const lines: string[] = [];
  let current = indent;
  for (const word of text.trim().split(/\s+/)) {
    const atStart = current.trim() === '';
    const candidate = atStart ? `${current}${word}` : `${current} ${word}`;
    if (!atStart && candidate.length > CHARACTERS_PER_LINE) {
      lines.push(current);
      current = `${indent}  ${word}`;
    } else current = candidate;
  }
  lines.push(current);
  return lines;
}

function drawBox(b: Box): string {
  const text = b.lines
    .map((content, i) => `<tspan x="${b.x + PADDING}" y="${b.y + PADDING + (i + 1) * LINE_HEIGHT - 5}">${escapeXml(content)}</tspan>`)
    .join('');
  // xml:space keeps the indent of reason lines.
  return `<g><rect x="${b.x}" y="${b.y}" width="${BOX_WIDTH}" height="${b.height}" fill="#fff" stroke="#222"/><text fill="#111" xml:space="preserve">${text}</text></g>`;
}

function stageBanner(name: string, top: number, bottom: number): string {
  const height = bottom - top;
  return (
    `<g><rect x="${MARGIN}" y="${top}" width="${STAGE_WIDTH}" height="${height}" rx="6" fill="#dbe7f3" stroke="#5a7ea6"/>` +
    `<text x="${MARGIN + STAGE_WIDTH / 2}" y="${top + height / 2 + 5}" text-anchor="middle" font-weight="bold" fill="#111">${escapeXml(name)}</text></g>`
  );
}

const line = ([x1, y1]: [number, number], [x2, y2]: [number, number]) => `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#222"/>`;
const arrow = (from: [number, number], to: [number, number]) => line(from, to).replace('/>', ' marker-end="url(#arrowhead)"/>');

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
