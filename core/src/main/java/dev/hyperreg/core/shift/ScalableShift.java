package dev.hyperreg.core.shift;

/** A data shift that can be made k times as large (for sweeps over the size of a shift). */
public interface ScalableShift extends DataShift {
  ScalableShift times(double k);
}
