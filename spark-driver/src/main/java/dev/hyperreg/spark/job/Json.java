package dev.hyperreg.spark.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON the jobs write (summary.json, shift.json, bench.json, load.json): one writer, one rule for NaN. */
public final class Json {
  private Json() {}

  /** JSON of maps, lists, arrays and scalars, pretty-printed; NaN and infinities (which JSON has not) become null. */
  public static String write(Object value) {
    try {
      return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(finiteOrNull(value)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** JSON has no NaN or infinity: such values are written as null (the log form says the rest). */
  static Double finiteOrNull(double v) { return Double.isFinite(v) ? v : null; }

  private static Object finiteOrNull(Object value) {
    if (value instanceof Double d) return finiteOrNull(d.doubleValue());
    if (value instanceof double[] a) {
      List<Double> list = new ArrayList<>(a.length);
      for (double v : a) list.add(finiteOrNull(v));
      return list;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, finiteOrNull(v)));
      return out;
    }
    if (value instanceof List<?> list) return list.stream().map(Json::finiteOrNull).toList();
    return value;
  }
}
