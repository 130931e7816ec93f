package dev.hyperreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.spark.cli.HyperregCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The package structure stays a layering: jdeps (the JDK's dependency analyzer) reads the built
 * classes of core and of the Spark driver, and no set of hyperreg packages may depend on each
 * other in a circle.
 */
class PackageCyclesTest {

  @Test
  void noPackageCycleInTheBuiltClasses() throws Exception {
    Map<String, Set<String>> graph = packageGraph(location(Objective.class), location(HyperregCli.class));
    assertTrue(graph.keySet().stream().anyMatch(p -> p.startsWith("dev.hyperreg.core.")), "jdeps saw core: " + graph);
    assertTrue(graph.containsKey("dev.hyperreg.spark.cli"), "jdeps saw the Spark driver: " + graph);
    List<Set<String>> cycles = cycles(graph);
    assertTrue(cycles.isEmpty(), "package cycles: " + cycles + "\nin " + graph);
    for (String from : graph.keySet()) {
      if (!from.startsWith("dev.hyperreg.core")) continue;
      for (String to : graph.get(from)) assertTrue(to.startsWith("dev.hyperreg.core"), from + " -> " + to);
    }
  }

  /** The cycle finder itself: it must see a cycle where there is one. */
  @Test
  void theCycleFinderFindsCycles() {
    Map<String, Set<String>> layered = new TreeMap<>(Map.of("a", Set.of("b", "c"), "b", Set.of("c"), "c", Set.of()));
    assertTrue(cycles(layered).isEmpty());
    Map<String, Set<String>> circular = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"),
        "d", Set.of("a")));
    assertEquals(List.of(Set.of("a", "b", "c")), cycles(circular));
  }

  private static Path location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** Package → the hyperreg packages it uses, as jdeps reports them. */
  static Map<String, Set<String>> packageGraph(Path... classes) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("no jdeps"));
    List<String> args = new ArrayList<>(List.of("-verbose:package", "-filter:none"));
    for (Path p : classes) args.add(p.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    assertEquals(0, status, "jdeps " + args + ": " + err);
    Map<String, Set<String>> graph = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length < 3 || !parts[1].equals("->")) continue;
      if (!parts[0].startsWith("dev.hyperreg")) continue;
      graph.computeIfAbsent(parts[0], k -> new TreeSet<>());
      if (parts[2].startsWith("dev.hyperreg") && !parts[2].equals(parts[0])) graph.get(parts[0]).add(parts[2]);
    }
    return graph;
  }

  /** The strongly connected components with more than one package (Tarjan's algorithm). */
  static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> found = new ArrayList<>();
    for (String start : graph.keySet()) {
      if (!index.containsKey(start)) connect(start, graph, index, low, stack, onStack, found);
    }
    return found;
  }

  private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> found) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, found);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) found.add(component);
    }
  }
}
