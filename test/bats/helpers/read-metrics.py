#!/usr/bin/python3
# read-metrics.py FILE: the samples of a Prometheus text exposition file, read by the real parser
# (python3-prometheus-client), one "NAME LABEL=VALUE... = VALUE" line each, sorted; labels in name
# order. Timestamps and byte counts print as integers, NaN as NaN.
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

lines = []
with open(sys.argv[1], encoding="utf-8") as f:
    for family in text_string_to_metric_families(f.read()):
        for sample in family.samples:
            value = sample.value
            shown = "NaN" if math.isnan(value) else (str(int(value)) if value.is_integer() else repr(value))
            labels = " ".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            lines.append(f"{sample.name} {labels} = {shown}")
print("\n".join(sorted(lines)))
