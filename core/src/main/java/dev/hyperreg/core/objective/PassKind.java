package dev.hyperreg.core.objective;

/**
 * What a pass's tasks return, which decides what it costs beyond its latency: the benchmark's
 * per-pass breakdown ({@link ObjectiveFunction#passesByKind}).
 */
public enum PassKind {
  /** Loss and gradient (or the loss alone): d-vectors. */
  GRADIENT,
  /** Loss and gradient with the exact Hessian: d(d+1)/2 more doubles a task. */
  EXACT_HESSIAN,
  /** Hessian-vector products (a block of them, or the Hessian's diagonal): d-vectors. */
  HESSIAN_VECTOR,
  /** A row sample (about m rows in all) or a sketch (m × d a task) of the Hessian. */
  SAMPLE_OR_SKETCH,
  /** The losses at a ladder of steps along one direction: scalars. */
  LOSS_LADDER,
  /** Anything else: a starting point's passes, the flat directions' Gram. */
  OTHER;

  /** The kind of a loss-and-gradient pass asked for by {@code request}. */
  static PassKind of(PassRequest request) {
    if (request.sample() != null || request.sketch() != null) return SAMPLE_OR_SKETCH;
    return request.hessian() ? EXACT_HESSIAN : GRADIENT;
  }
}
