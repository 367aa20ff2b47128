import { formValuesOf, scenarioOfForm } from '../../api/pages/preview-form';

describe("the preview page's scenario form", () => {
  it('reads one ticked box, several, and none alike', () => {
    expect(scenarioOfForm({ neverTasks: 'a' })).toEqual({ never: { tasks: ['a'] } });
    expect(scenarioOfForm({ neverTasks: ['a', 'b'], neverGates: 'g' })).toEqual({
      never: { tasks: ['a', 'b'], gates: ['g'] },
    });
    expect(scenarioOfForm({ neverTasks: [''] })).toEqual({});
  });

  it('leaves an empty number out and passes anything else on for the schema to judge', () => {
    expect(scenarioOfForm({ handoffDelayDays: '', horizonDays: '' })).toEqual({});
    expect(scenarioOfForm({ handoffDelayDays: '2.5', acknowledgeAfterHours: '0' })).toEqual({
      handoffDelayDays: 2.5,
      acknowledgeAfterHours: 0,
    });
    // Not a number: the text goes on, so that the refusal names scenario.horizonDays.
    expect(scenarioOfForm({ horizonDays: 'soon' })).toEqual({ horizonDays: 'soon' });
    expect(scenarioOfForm({ horizonDays: ' ' })).toEqual({ horizonDays: ' ' });
  });

  it('gives the form back as it was filled in', () => {
    expect(formValuesOf({ handoffDelayDays: '3', neverMilestones: 'm' })).toEqual({
      handoffDelayDays: '3',
      acknowledgeAfterHours: '',
      horizonDays: '',
      never: { tasks: [], milestones: ['m'], gates: [] },
    });
  });
});
