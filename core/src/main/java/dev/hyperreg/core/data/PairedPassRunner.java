package dev.hyperreg.core.data;

import java.io.Serializable;

/**
 * A dataset (A, b) and a shifted copy (A', b') with the same rows, as the shift analysis reads them:
 * passes over both at once ({@link #aggregate}) and over either alone, for fits.
 */
public interface PairedPassRunner {
  <A extends Serializable> A aggregate(PairAggregator<A> aggregator, String description);

  /** Passes over (A, b). */
  PassRunner original();

  /** Passes over (A', b'). */
  PassRunner shifted();
}
