import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import { journeyMap, journeyMapFileName, mermaidLabel } from '../../src/domain/journey-map';

const highTouch = DEFAULT_PLAYBOOKS['high-touch'];

it('escapes what Mermaid would read as syntax in a label, # first', () => {
  expect(mermaidLabel('Say "hi" <b>#1</b> & `go`\nnow')).toBe(
    'Say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt; #amp; #96;go#96; now',
  );
});

it('draws the stages in order between closed-won and business as usual', () => {
  const map = journeyMap(highTouch);
  expect(map.startsWith('flowchart TD\n')).toBe(true);
  expect(map).toContain('  start --> stage0 --> stage1 --> stage2 --> stage3 --> bau\n');
  highTouch.stages.forEach((s, i) => expect(map).toContain(`subgraph stage${i}["${i + 1}. ${mermaidLabel(s.name)}"]`));
});

it('puts each task, exit milestone and gate in its stage, with dependencies as edges and the ladders beside', () => {
  const map = journeyMap(highTouch);
  const stageBlock = (i: number) =>
    map.slice(map.indexOf(`subgraph stage${i}[`), map.indexOf('  end', map.indexOf(`subgraph stage${i}[`)));
  expect(stageBlock(0)).toContain(
    'task0["Task: Hold the kickoff call<br/>csm, due 3 d after unlock<br/>ladder: standard"]:::task',
  );
  expect(stageBlock(0)).toContain('milestone0{{"Milestone: Success criteria agreed<br/>target day 3');
  expect(stageBlock(2)).toContain('gate0{"Gate: Go-live readiness<br/>approver: cs-lead"}:::gate');
  expect(stageBlock(2)).toContain('first value (TTV)');
  // integration-build (task5) depends on sso-setup (task3) and data-mapping (task4).
  expect(map).toContain('  task3 --> task5\n');
  expect(map).toContain('  task4 --> task5\n');
  expect(map).toContain('standard: L1 csm at breach → L2 cs-lead +2 d → L3 vp-cs +5 d');
  expect(map.match(/-->/g)).toHaveLength(5 + highTouch.tasks.reduce((n, t) => n + t.dependsOn.length, 0));
});

it('never puts a key or name into the syntax unescaped', () => {
  const playbook = structuredClone(DEFAULT_PLAYBOOKS['tech-touch']);
  playbook.stages[1].name = 'Setup"] --> evil["x';
  playbook.tasks[0].name = 'end\nsubgraph';
  const map = journeyMap(playbook);
  expect(map).toContain('subgraph stage1["2. Setup#quot;] --#gt; evil[#quot;x"]');
  expect(map).toContain('Task: end subgraph<br/>');
  expect(map.split('\n').filter((l) => l.trim() === 'end')).toHaveLength(playbook.stages.length + 1);
});

it('names the downloaded file by tier and version', () => {
  expect(journeyMapFileName(highTouch)).toBe('high-touch-v1-journey-map.mmd');
});
