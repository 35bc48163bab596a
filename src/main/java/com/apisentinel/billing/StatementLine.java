package com.apisentinel.billing;

import com.apisentinel.rollup.RollupQueries;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * One currency's part of a statement: the counts, what failover recovered in minor units, and the
 * fee on it, rounded half-even once, here. No conversion between currencies, ever.
 *
 * @param lateAdjustment null for the month's own events; else the final month ("YYYY-MM") the
 *                       events occurred in, which arrived after that month's statement was final
 */
public record StatementLine(String currency, int exponent, long events, long failoverEvents, long recoveries,
                            BigDecimal recoveredMinor, int feeBasisPoints, BigDecimal feeMinor,
                            String lateAdjustment) {

  private static final BigDecimal BASIS = BigDecimal.valueOf(10_000);

  static StatementLine of(RollupQueries.CurrencyTotals totals, int feeBasisPoints, String lateAdjustment) {
    return new StatementLine(totals.currency(), exponent(totals.currency()), totals.events(), totals.failovers(),
        totals.recoveries(), totals.recoveredMinor(), feeBasisPoints,
        fee(totals.recoveredMinor(), feeBasisPoints), lateAdjustment);
  }

  /** The fee in minor units: recovered × basis points / 10,000, half-even to a whole minor unit. */
  static BigDecimal fee(BigDecimal recoveredMinor, int feeBasisPoints) {
    return recoveredMinor.multiply(BigDecimal.valueOf(feeBasisPoints)).divide(BASIS, 0, RoundingMode.HALF_EVEN);
  }

  /** ISO 4217 minor-unit digits from the JDK (USD 2, JPY 0, BHD 3); 0 for codes without minor units. */
  static int exponent(String currency) {
    try {
      return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  /** An amount in minor units as a decimal in major units: 1234 USD minor → 12.34. */
  public BigDecimal major(BigDecimal minor) {
    return minor.movePointLeft(exponent);
  }
}
