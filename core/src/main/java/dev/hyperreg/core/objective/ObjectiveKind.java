package dev.hyperreg.core.objective;

import java.util.Locale;

/**
 * The three objectives of the family, for z = Ax, u = f(z), a row-wise regularization weight w and
 * ridge λ. Every objective adds R(x) = ½ Σ_i w_i² z_i² + ½ λ ‖x‖² (the ridge skips an intercept).
 */
public enum ObjectiveKind {
  /**
   * L(x) = ½ ‖u − α b‖² + R(x), α = ⟨u, 1⟩ (Gao, Song, Yin 2023). Moving the normalization of the
   * softmax onto b keeps the Hessian "diagonal plus rank two". Traps: for sinh, u(0) = 0, so x = 0
   * is a global minimizer with L = 0 for every A and b; for exp with an intercept column and no
   * regularization, L(x + t·e) = e^{2t} L(x), so there is no minimizer unless b is exactly a
   * softmax of Ax. The loss grows like e^{2 max z}: it is evaluated scaled by e^{-2m} and reported
   * also as a logarithm.
   */
  RESCALED,
  /**
   * L(x) = ½ ‖f(Ax) − b‖² + R(x) (Li, Song, Zhou 2023). The Hessian is A^T D A with a diagonal D
   * that turns negative where f''(z)(f(z) − b) &lt; −f'(z)². Plain exp overflows once z passes
   * about 355 (u² does); there is no scale-free form, so the fit stops naming the row.
   */
  PLAIN,
  /**
   * L(x) = ½ ‖s − b‖² + R(x), s = exp(Ax)/⟨exp(Ax), 1⟩ (Deng, Li, Song 2023); exp link only. s is
   * unchanged when the same constant is added to every z, so an intercept column is refused and a
   * design whose column span holds the all-ones vector has a singular Hessian unless w or λ &gt; 0.
   */
  SOFTMAX;

  public static ObjectiveKind parse(String name) {
    for (ObjectiveKind kind : values()) {
      if (kind.name().equalsIgnoreCase(name.trim())) return kind;
    }
    throw new IllegalArgumentException(
        "unknown objective '" + name + "': expected rescaled, plain or softmax");
  }

  public String label() { return name().toLowerCase(Locale.ROOT); }
}
