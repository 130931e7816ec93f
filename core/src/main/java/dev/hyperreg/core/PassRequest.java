package dev.hyperreg.core;

import java.io.Serializable;

/**
 * What one pass over the rows must collect besides loss and gradient.
 *
 * @param hessian the pieces of the Hessian (d × d matrices)
 * @param regularizerGram A^T diag(w²) A on its own, for objectives that cannot fold it into their
 *     Hessian pieces (softmax); it does not depend on x, so it is collected once and kept
 */
public record PassRequest(boolean hessian, boolean regularizerGram) implements Serializable {
  public static final PassRequest LOSS_AND_GRADIENT = new PassRequest(false, false);
  public static final PassRequest WITH_HESSIAN = new PassRequest(true, false);
}
