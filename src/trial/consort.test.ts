import { describe, expect, it } from 'vitest';
import { consortCounts, consortSvg, pooledConsortCounts } from './consort.ts';
import type { ConsortRecord } from './consort.ts';
import { makeProtocol } from './testing.ts';

const protocol = makeProtocol();
const randomised = (participant: string, arm: string, more: Partial<ConsortRecord> = {}): ConsortRecord => ({
  participant,
  eligible: true,
  arm,
  receivedAllocation: true,
  hasPrimaryOutcome: true,
  ...more,
});

const records: ConsortRecord[] = [
  { participant: 'JB-001', eligible: false, ineligibleReason: 'E1: milk protein allergy' },
  { participant: 'JB-002', eligible: false, ineligibleReason: 'E1: milk protein allergy' },
  { participant: 'JB-003', eligible: false, ineligibleReason: 'I1: over 40' },
  { participant: 'JB-004', eligible: true, consentRefused: true },
  { participant: 'JB-005', eligible: true, notRandomisedReason: 'posted away before randomisation' },
  randomised('JB-010', 'whey'),
  randomised('JB-011', 'whey'),
  randomised('JB-012', 'whey', { receivedAllocation: false, notReceivedReason: 'posted away', hasPrimaryOutcome: false, lostToFollowUpReason: 'posted away' }),
  randomised('JB-013', 'whey', { discontinuedReason: 'gastro-intestinal upset' }),
  randomised('JB-020', 'placebo'),
  randomised('JB-021', 'placebo', { withdrawal: { reason: 'no longer wished to take part', dataMayBeUsed: false } }),
  randomised('JB-022', 'placebo', { withdrawal: { reason: 'injury', dataMayBeUsed: true }, hasPrimaryOutcome: false }),
];

describe('CONSORT counts', () => {
  const counts = consortCounts(protocol, records);

  it('counts enrolment and exclusions by reason', () => {
    expect(counts.assessed).toBe(12);
    expect(counts.excluded).toEqual({
      total: 5,
      reasons: { notMeetingCriteria: 3, declinedToParticipate: 1, otherReasons: 1 },
      details: { notMeetingCriteria: { 'E1: milk protein allergy': 2, 'I1: over 40': 1 }, otherReasons: { 'posted away before randomisation': 1 } },
    });
  });

  it('counts each arm as randomised (intention to treat), and sums', () => {
    expect(counts.arms).toEqual([
      {
        arm: 'whey',
        allocated: 4,
        received: 3,
        notReceived: 1,
        lostToFollowUp: 1,
        discontinued: 1,
        analysed: 3,
        excludedFromAnalysis: 1,
        reasons: {
          notReceived: { 'posted away': 1 },
          lostToFollowUp: { 'posted away': 1 },
          discontinued: { 'gastro-intestinal upset': 1 },
          excludedFromAnalysis: { 'no primary outcome data': 1 },
        },
      },
      {
        arm: 'placebo',
        allocated: 3,
        received: 3,
        notReceived: 0,
        lostToFollowUp: 2,
        discontinued: 0,
        analysed: 1,
        excludedFromAnalysis: 2,
        reasons: {
          notReceived: {},
          lostToFollowUp: { 'withdrew: injury': 1, 'withdrew: no longer wished to take part': 1 },
          discontinued: {},
          excludedFromAnalysis: { 'no primary outcome data': 1, 'withdrew permission to use data': 1 },
        },
      },
    ]);
    expect(counts.randomised).toBe(counts.arms.reduce((sum, arm) => sum + arm.allocated, 0));
    expect(counts.assessed).toBe(counts.excluded.total + counts.randomised);
    for (const arm of counts.arms) {
      expect(arm.received + arm.notReceived).toBe(arm.allocated);
      expect(arm.analysed + arm.excludedFromAnalysis).toBe(arm.allocated);
    }
  });

  it('refuses an unknown arm and a randomisation without eligibility or consent', () => {
    expect(() => consortCounts(protocol, [randomised('JB-030', 'water')])).toThrow('arm of JB-030: "water" is not an arm of the trial');
    expect(() => consortCounts(protocol, [randomised('JB-031', 'whey', { consentRefused: true })])).toThrow('arm of JB-031: randomised without eligibility and consent');
  });

  it('pools the arms for blinded viewers, without a label', () => {
    const pooled = pooledConsortCounts(counts);
    expect(pooled.pooled).toMatchObject({ allocated: 7, received: 6, notReceived: 1, lostToFollowUp: 3, discontinued: 1, analysed: 4, excludedFromAnalysis: 3 });
    expect(pooled.pooled.reasons.excludedFromAnalysis).toEqual({ 'no primary outcome data': 2, 'withdrew permission to use data': 1 });
    expect(pooled.randomised).toBe(7);
    const json = JSON.stringify(pooled);
    for (const arm of protocol.arms) expect(json).not.toContain(arm.label);
    expect(consortSvg(pooled)).not.toMatch(/whey|placebo/);
  });
});

describe('CONSORT diagram', () => {
  const counts = consortCounts(protocol, records);
  const svg = consortSvg(counts);

  it('is an SVG with the four stages and a box for every count', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    for (const stage of ['Enrolment', 'Allocation', 'Follow-up', 'Analysis']) expect(svg).toContain(`>${stage}</text>`);
    for (const text of [
      'Assessed for eligibility (n=12)',
      'Excluded (n=5)',
      'Not meeting inclusion criteria (n=3)',
      'E1: milk protein allergy (n=2)',
      'Declined to participate (n=1)',
      'Other reasons (n=1)',
      'Randomised (n=7)',
      'Allocated to whey (n=4)',
      'Allocated to placebo (n=3)',
      'Received allocated intervention (n=3)',
      'Did not receive allocated intervention (n=1)',
      'Did not receive allocated intervention (n=0)',
      'Lost to follow-up (n=1)',
      'Lost to follow-up (n=2)',
      'Discontinued intervention (n=1)',
      'Discontinued intervention (n=0)',
      'Analysed (n=3)',
      'Analysed (n=1)',
      'Excluded from analysis (n=1)',
      'Excluded from analysis (n=2)',
    ]) {
      expect(svg.replace(/<\/tspan><tspan[^>]*>\s*/g, ' ')).toContain(text);
    }
  });

  it('draws arrows from enrolment to each arm, and uses text of 12 px or more', () => {
    expect(svg.match(/marker-end="url\(#arrowhead\)"/g)?.length).toBe(2 + 3 * 2);
    const sizes = [...svg.matchAll(/font-size="(\d+)"/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(0);
    for (const size of sizes) expect(size).toBeGreaterThanOrEqual(12);
  });

  it('escapes text and wraps long reasons inside the box', () => {
    const odd = makeProtocol({
      arms: [
        { label: 'whey <25 g> & "more"', description: '', ratio: 1 },
        { label: 'placebo', description: '', ratio: 1 },
      ],
      controlArm: 'placebo',
      decisionRule: { ...protocol.decisionRule, arm: 'whey <25 g> & "more"' },
    });
    const long = 'a reason written at length by an investigator who did not stop typing for quite some time';
    const text = consortSvg(consortCounts(odd, [randomised('JB-040', 'whey <25 g> & "more"', { discontinuedReason: long })]));
    expect(text).toContain('Allocated to whey &lt;25 g&gt; &amp; &quot;more&quot;');
    expect(text).not.toContain('<25 g>');
    const lines = [...text.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
    expect(lines.some((l) => l.includes('a reason written'))).toBe(true);
    for (const l of lines) expect(l.replace(/&\w+;/g, '_').length).toBeLessThanOrEqual(37);
  });
});
