import { ANSWER_FILES, AnalysisError, DEFAULT_DROP_THRESHOLD, DEFAULT_SPIKE_THRESHOLD, validateOptions } from 'analysis';

describe('validateOptions', () => {
  it('defaults to the contract thresholds', () => {
    expect(validateOptions()).toEqual({ drop: -70, spike: 200 });
    expect([DEFAULT_DROP_THRESHOLD, DEFAULT_SPIKE_THRESHOLD]).toEqual([-70, 200]);
    expect(validateOptions({ dropThreshold: -50, spikeThreshold: 100 })).toEqual({ drop: -50, spike: 100 });
    expect(validateOptions({ dropThreshold: 0, spikeThreshold: 0 })).toEqual({ drop: 0, spike: 0 });
  });

  it.each([
    [{ month: '2021-13' }, 'ANALYSIS_BAD_MONTH', 'month', 'month must be a month as YYYY-MM with MM from 01 to 12, got 2021-13'],
    [{ month: '2021-2' }, 'ANALYSIS_BAD_MONTH', 'month', 'month must be a month as YYYY-MM (e.g. 2021-02), got 2021-2'],
    [{ month: '0999-12' }, 'ANALYSIS_BAD_MONTH', 'month', 'month must be between 1000-01 and 9998-12, got 0999-12'],
    [{ dropThreshold: Number.NaN }, 'ANALYSIS_BAD_THRESHOLD', 'dropThreshold', 'dropThreshold must be a finite number (percent), got NaN'],
    [
      { spikeThreshold: Infinity },
      'ANALYSIS_BAD_THRESHOLD',
      'spikeThreshold',
      'spikeThreshold must be a finite number (percent), got Infinity',
    ],
    [
      { dropThreshold: 300 },
      'ANALYSIS_BAD_THRESHOLD',
      'dropThreshold',
      'dropThreshold must not be above the spike threshold (200), got 300',
    ],
  ])('rejects %p', (options, code, field, message) => {
    let caught: unknown;
    try {
      validateOptions(options);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AnalysisError);
    expect(caught).toMatchObject({ code, field, message });
  });

  it('names the six answer files as the contract does', () => {
    expect(ANSWER_FILES).toEqual({
      q1: 'q1_avg_price_per_m2.csv',
      q2: 'q2_online_per_category.csv',
      q3: 'q3_first_last_day.csv',
      q4: 'q4_daily_change.csv',
      q5: 'q5_alerts.csv',
      weekday: 'weekday_pattern.csv',
    });
  });
});
