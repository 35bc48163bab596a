package com.apisentinel.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramsTest {

  @Test
  void aRecordedValueReadsAsItselfWhereUsersLookNotAsTheTopOfItsBucket() {
    for (int value : new int[] {1, 999, 1999, 2100, 2500, 3000, 12_000, 600_000}) {
      Histogram histogram = Histograms.dense();
      Histograms.record(histogram, value);
      assertThat(Histograms.nearestRank(histogram, 500)).as("%d ms", value).isEqualTo(value);
    }
  }

  @Test
  void nearestRankCountsInIntegersAndReadsWithinThreeSignificantDigits() {
    Histogram histogram = Histograms.dense();
    for (int i = 1; i <= 100; i++) {
      Histograms.record(histogram, i * 41);
    }
    assertThat(Histograms.nearestRank(histogram, 990)).isEqualTo(99 * 41);
    assertThat(Histograms.nearestRank(histogram, 500)).isEqualTo(50 * 41);
    assertThat(Histograms.nearestRank(Histograms.dense(), 500)).isNull();
  }
}
