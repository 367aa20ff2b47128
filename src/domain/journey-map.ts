import type { EscalationLadder, Playbook } from './playbook';

/**
 * The onboarding journey map of seed 004, drawn from a playbook as a Mermaid flowchart: the
 * stages in order, each with its tasks (and their dependencies), the milestones and gates it
 * exits on, and the escalation ladders. Written by hand: it is a few lines of text, src/domain
 * takes no packages, and no maintained library builds Mermaid source (they render it).
 */

/**
 * Text for a quoted Mermaid label. Mermaid reads `#name;` entity codes inside labels, so `#`
 * itself goes first; quotes would end the label, angle brackets and `&` would be read as HTML,
 * a backtick as a Markdown string; line breaks would end the statement.
 */
export function mermaidLabel(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/&/g, '#amp;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/[\r\n\u2028\u2029]+/g, ' ');
}

const line = (...parts: string[]) => parts.map(mermaidLabel).join('<br/>');
const hours = (h: number) => (h % 24 === 0 && h > 0 ? `${h / 24} d` : `${h} h`);

function ladderText(ladder: EscalationLadder): string {
  if (ladder.levels.length === 0) return 'no levels';
  return ladder.levels
    .map((l, i) => `L${i + 1} ${l.notify} ${l.afterHours === 0 ? 'at breach' : `+${hours(l.afterHours)}`}`)
    .join(' → ');
}

/** The playbook as Mermaid flowchart source (top to bottom). Node ids are generated: keys never reach the syntax. */
export function journeyMap(playbook: Playbook): string {
  const out: string[] = ['flowchart TD'];
  const id = {
    stage: new Map(playbook.stages.map((s, i) => [s.key, `stage${i}`])),
    task: new Map(playbook.tasks.map((t, i) => [t.key, `task${i}`])),
    milestone: new Map(playbook.milestones.map((m, i) => [m.key, `milestone${i}`])),
    gate: new Map(playbook.gates.map((g, i) => [g.key, `gate${i}`])),
  };
  out.push(
    `  start(["${line('Closed-won', `handoff complete (reminders every ${hours(playbook.handoff.remindEveryHours)})`)}"])`,
  );

  const placed = new Set<string>();
  playbook.stages.forEach((stage, i) => {
    out.push(`  subgraph ${id.stage.get(stage.key)}["${line(`${i + 1}. ${stage.name}`)}"]`);
    out.push('    direction TB');
    for (const [n, t] of playbook.tasks.entries()) {
      if (t.stage !== stage.key) continue;
      const due = `${t.owner}, due ${t.dueAfterDays} d after unlock`;
      out.push(`    task${n}["${line(`Task: ${t.name}`, due, `ladder: ${t.escalation}`)}"]:::task`);
    }
    for (const key of stage.exitMilestones) {
      const [n, m] = [...playbook.milestones.entries()].find(([, x]) => x.key === key) ?? [];
      if (m === undefined || placed.has(`m:${key}`)) continue;
      placed.add(`m:${key}`);
      const first = m.key === playbook.firstValueMilestone ? ['first value (TTV)'] : [];
      const label = line(`Milestone: ${m.name}`, `target day ${m.targetDay}`, ...first, `ladder: ${m.escalation}`);
      out.push(`    milestone${n}{{"${label}"}}:::milestone`);
    }
    for (const [n, g] of playbook.gates.entries()) {
      if (g.stage !== stage.key) continue;
      out.push(`    gate${n}{"${line(`Gate: ${g.name}`, `approver: ${g.approverRoles.join(' or ')}`)}"}:::gate`);
    }
    out.push(`    stall${i}["${line(`Stalled after ${stage.stallAfterDays} d without progress`)}"]:::stall`);
    out.push('  end');
  });
  // Milestones no stage exits on (tracked, never blocking): beside the journey.
  for (const [n, m] of playbook.milestones.entries()) {
    if (placed.has(`m:${m.key}`)) continue;
    out.push(`  milestone${n}{{"${line(`Milestone: ${m.name}`, `target day ${m.targetDay}`)}"}}:::milestone`);
  }
  out.push(`  bau(["${line('Business as usual')}"])`);

  const stages = playbook.stages.map((s) => id.stage.get(s.key)!);
  out.push(`  ${['start', ...stages, 'bau'].join(' --> ')}`);
  for (const t of playbook.tasks) {
    for (const dep of t.dependsOn) {
      const from = id.task.get(dep);
      if (from) out.push(`  ${from} --> ${id.task.get(t.key)}`);
    }
  }

  if (playbook.escalationLadders.length > 0) {
    out.push(`  subgraph ladders["${line('Escalation ladders')}"]`);
    playbook.escalationLadders.forEach((l, n) => {
      out.push(`    ladder${n}["${line(`${l.key}: ${ladderText(l)}`)}"]:::ladder`);
    });
    out.push('  end');
  }
  out.push(
    '  classDef task fill:#eef5ff,stroke:#4a78c2',
    '  classDef milestone fill:#eafbea,stroke:#3c9a3c',
    '  classDef gate fill:#fff6e0,stroke:#c79a1e',
    '  classDef stall fill:#fbeaea,stroke:#c24a4a,stroke-dasharray: 4 2',
    '  classDef ladder fill:#f4f4f4,stroke:#888',
  );
  return `${out.join('\n')}\n`;
}

/** The file name a downloaded map gets: `<tier>-v<version>-journey-map.mmd`. */
export function journeyMapFileName(playbook: Pick<Playbook, 'tier' | 'version'>): string {
  return `${playbook.tier}-v${playbook.version}-journey-map.mmd`;
}
