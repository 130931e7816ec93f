package dev.hyperreg.core.objective;

import dev.hyperreg.core.InvalidProblemException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The three objectives of the family, for z = Ax, u = f(z), a row-wise regularization weight w and
 * ridge λ. Every objective adds R(x) = ½ Σ_i w_i² z_i² + ½ λ ‖x‖² (the ridge skips an intercept).
 *
 * <p>This enumeration is the one list of objectives: the command line, the estimator's params (Java
 * and Python), the serializer registration and the tests that run every objective read it. What
 * each objective decides — the links it takes, whether an intercept is allowed, what the start fits,
 * whether predictions are shares, how its passes are asked for — lives in its terms class
 * ({@link RescaledTerms}, {@link PlainTerms}, {@link SoftmaxTerms}), whose {@code Facts} the constant
 * holds. Adding an objective is a terms class and a constant here.
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
  RESCALED(new RescaledTerms.Facts()),
  /**
   * L(x) = ½ ‖f(Ax) − b‖² + R(x) (Li, Song, Zhou 2023). The Hessian is A^T D A with a diagonal D
   * that turns negative where f''(z)(f(z) − b) &lt; −f'(z)². Plain exp overflows once z passes
   * about 355 (u² does); there is no scale-free form, so the fit stops naming the row.
   */
  PLAIN(new PlainTerms.Facts()),
  /**
   * L(x) = ½ ‖s − b‖² + R(x), s = exp(Ax)/⟨exp(Ax), 1⟩ (Deng, Li, Song 2023); exp link only. s is
   * unchanged when the same constant is added to every z, so an intercept column is refused and a
   * design whose column span holds the all-ones vector has a singular Hessian unless w or λ &gt; 0.
   */
  SOFTMAX(new SoftmaxTerms.Facts());

  private final ObjectiveTerms.Facts facts;

  ObjectiveKind(ObjectiveTerms.Facts facts) { this.facts = facts; }

  public static ObjectiveKind parse(String name) {
    for (ObjectiveKind kind : values()) {
      if (kind.name().equalsIgnoreCase(name.trim())) return kind;
    }
    throw new IllegalArgumentException("unknown objective '" + name + "': expected " + inWords(labels()));
  }

  public String label() { return name().toLowerCase(Locale.ROOT); }

  /** Every objective's {@link #label()}, in declaration order: the names users may give. */
  public static List<String> labels() { return Arrays.stream(values()).map(ObjectiveKind::label).toList(); }

  /** The links this objective is defined for. */
  public Set<Link> links() { return facts.links(); }

  public boolean takes(Link link) { return facts.links().contains(link); }

  /** Refuses a link the objective is not defined for, naming the ones it takes. */
  public void requireLink(Link link) {
    if (!takes(link)) {
      throw new InvalidProblemException("the " + label() + " objective is defined for the "
          + inWords(linkLabels()) + " link" + (links().size() > 1 ? "s" : "") + " only, not " + link.label());
    }
  }

  /** The labels of {@link #links()}, in declaration order. */
  public List<String> linkLabels() {
    return Arrays.stream(Link.values()).filter(this::takes).map(Link::label).toList();
  }

  /** Null when an intercept column is allowed; otherwise why not, as a clause without option names. */
  public String interceptRefusal() { return facts.interceptRefusal(); }

  /**
   * Null when, with this link, an intercept column still leaves a minimizer without row weights w_i &gt; 0;
   * otherwise why it does not (a clause). The ridge never applies to the intercept, so it does not help.
   */
  public String interceptWithoutRowWeightsRefusal(Link link) { return facts.interceptWithoutRowWeightsRefusal(link); }

  /**
   * Whether, with this link, f(Ax) matches b at the answer only up to a constant factor, so that the
   * default start's least-squares fit of f⁻¹(b) needs a free constant column.
   */
  public boolean startHasFreeConstant(Link link) { return facts.startHasFreeConstant(link); }

  /** Whether a prediction is a share f(a·x)/Σ f(a·x) of the rows scored as well as f(a·x) itself. */
  public boolean predictsShares() { return facts.predictsShares(); }

  /**
   * The class of this objective's terms, which travels inside every {@link Objective}: for serializer
   * registration (it is not public; its instances are reached through {@link Objective} only).
   */
  public Class<? extends Serializable> termsClass() { return facts.termsClass(); }

  ObjectiveTerms.Facts facts() { return facts; }

  /** "a", "a or b", "a, b or c". */
  static String inWords(List<String> names) {
    int n = names.size();
    return n == 1 ? names.get(0) : String.join(", ", names.subList(0, n - 1)) + " or " + names.get(n - 1);
  }
}
