/**
 * Randomized second-order information gathered inside a pass: the sparse sign (OSNAP) sketch hashed
 * by row id ({@link dev.hyperreg.core.sketch.SketchSpec}), the heaviest rows kept whole ({@link
 * dev.hyperreg.core.sketch.HeavyRows}) and leverage-score row sampling ({@link
 * dev.hyperreg.core.sketch.RowSampling}). Hashing by row id keeps results independent of the
 * partitioning. Uses {@code data} and {@code linalg}.
 */
package dev.hyperreg.core.sketch;
