import type { MetricData, NumberDataPoint, OtlpMetric, ResourceMetrics } from "./otlp-model.ts";
import { addAttribute, emptyResource, emptyScope, type ProtoLimits, resource, scope } from "./proto-common.ts";
import { ProtoDecodeError, type ProtoMessage } from "./proto-reader.ts";

/** metrics.proto from protobuf: sums and gauges point by point, the other kinds counted. */

// metrics.proto: NumberDataPoint { start_time_unix_nano = 2; time_unix_nano = 3; as_double = 4; exemplars = 5;
//   as_int = 6 (sfixed64); attributes = 7; flags = 8 }
function numberPoint(m: ProtoMessage, limits: ProtoLimits): NumberDataPoint {
  const p: NumberDataPoint = {
    attributes: {},
    startTimeUnixNano: "0",
    timeUnixNano: "0",
    value: 0,
    isInt: false,
    flags: 0,
  };
  m.each((f, w) => {
    if (f === 2) p.startTimeUnixNano = m.fixed64(w, "NumberDataPoint.start_time_unix_nano");
    else if (f === 3) p.timeUnixNano = m.fixed64(w, "NumberDataPoint.time_unix_nano");
    else if (f === 4) {
      p.value = m.double(w, "NumberDataPoint.as_double");
      p.isInt = false;
    } else if (f === 6) {
      p.value = Number(m.sfixed64(w, "NumberDataPoint.as_int"));
      p.isInt = true;
    } else if (f === 7) addAttribute(p.attributes, m, w, limits, "NumberDataPoint.attributes");
    else if (f === 8) p.flags = m.uint(w, "NumberDataPoint.flags");
    else m.skip(w);
  });
  return p;
}

// Gauge { data_points = 1 }; Sum { data_points = 1; aggregation_temporality = 2; is_monotonic = 3 };
// Histogram / ExponentialHistogram / Summary { data_points = 1; … } (counted, not decoded)
function numberPoints(m: ProtoMessage, limits: ProtoLimits, what: string) {
  const points: NumberDataPoint[] = [];
  let temporality = 0;
  let isMonotonic = false;
  m.each((f, w) => {
    if (f === 1) points.push(numberPoint(m.message(w, `${what}.data_points`), limits));
    else if (f === 2) temporality = m.uint(w, `${what}.aggregation_temporality`);
    else if (f === 3) isMonotonic = m.uint(w, `${what}.is_monotonic`) !== 0;
    else m.skip(w);
  });
  return { points, temporality, isMonotonic };
}

function countPoints(m: ProtoMessage, what: string): number {
  let n = 0;
  m.each((f, w) => {
    if (f === 1) {
      m.bytes(w, `${what}.data_points`);
      n++;
    } else m.skip(w);
  });
  return n;
}

// Metric { name = 1; description = 2; unit = 3; gauge = 5; sum = 7; histogram = 9; exponential_histogram = 10;
//          summary = 11; metadata = 12 }
function metric(m: ProtoMessage, limits: ProtoLimits): OtlpMetric {
  const out: OtlpMetric = { name: "", description: "", unit: "", data: { kind: "empty" } };
  m.each((f, w) => {
    let data: MetricData | null = null;
    if (f === 1) out.name = m.string(w, "Metric.name");
    else if (f === 2) out.description = m.string(w, "Metric.description");
    else if (f === 3) out.unit = m.string(w, "Metric.unit");
    else if (f === 5)
      data = { kind: "gauge", points: numberPoints(m.message(w, "Metric.gauge"), limits, "Gauge").points };
    else if (f === 7) data = { kind: "sum", ...numberPoints(m.message(w, "Metric.sum"), limits, "Sum") };
    else if (f === 9)
      data = { kind: "histogram", pointCount: countPoints(m.message(w, "Metric.histogram"), "Histogram") };
    else if (f === 10) {
      data = {
        kind: "exponentialHistogram",
        pointCount: countPoints(m.message(w, "Metric.exponential_histogram"), "ExponentialHistogram"),
      };
    } else if (f === 11) data = { kind: "summary", pointCount: countPoints(m.message(w, "Metric.summary"), "Summary") };
    else m.skip(w);
    if (data) out.data = data;
  });
  if (!out.name) throw new ProtoDecodeError("Metric without a name");
  return out;
}

// ResourceMetrics { resource = 1; scope_metrics = 2; schema_url = 3 }; ScopeMetrics { scope = 1; metrics = 2; schema_url = 3 }
export function resourceMetrics(m: ProtoMessage, limits: ProtoLimits): ResourceMetrics {
  const rm: ResourceMetrics = { resource: emptyResource(), schemaUrl: "", scopeMetrics: [] };
  m.each((f, w) => {
    if (f === 1) rm.resource = resource(m.message(w, "ResourceMetrics.resource"), limits);
    else if (f === 2) {
      const sm = m.message(w, "ResourceMetrics.scope_metrics");
      const out = { scope: emptyScope(), schemaUrl: "", metrics: [] as OtlpMetric[] };
      sm.each((sf, sw) => {
        if (sf === 1) out.scope = scope(sm.message(sw, "ScopeMetrics.scope"), limits);
        else if (sf === 2) out.metrics.push(metric(sm.message(sw, "ScopeMetrics.metrics"), limits));
        else if (sf === 3) out.schemaUrl = sm.string(sw, "ScopeMetrics.schema_url");
        else sm.skip(sw);
      });
      rm.scopeMetrics.push(out);
    } else if (f === 3) rm.schemaUrl = m.string(w, "ResourceMetrics.schema_url");
    else m.skip(w);
  });
  return rm;
}
