"""Write chart-keys.txt: every key the zero-to-jupyterhub chart's values schema knows, one dotted path a line.

    python hub/kubernetes/chart_keys.py path/to/zero-to-jupyterhub-k8s/jupyterhub/values.schema.yaml 4.4.0

A path ending in `.*` takes keys of any name below it (the chart passes them on as they are).
tests/test_hub_kubernetes.py checks values.yaml against the list, so that a key the chart does not know
(a typo, or one a new chart version renamed) fails there rather than at `helm upgrade`.
"""

import sys
from pathlib import Path

import yaml


def key_paths(schema: dict, prefix: str = ""):
    """Each property's dotted path, and `prefix.*` where the schema lets keys of any name in."""
    properties = schema.get("properties", {})
    for key, sub in properties.items():
        path = f"{prefix}.{key}" if prefix else key
        yield path
        yield from key_paths(sub, path)
    types = schema.get("type", [])
    is_object = "object" in (types if isinstance(types, list) else [types]) or bool(properties)
    if prefix and is_object and (schema.get("additionalProperties", True) is not False
                                 or schema.get("patternProperties")):
        yield f"{prefix}.*"


def main(schema_file: str, chart_version: str):
    schema = yaml.safe_load(Path(schema_file).read_text())
    out = Path(__file__).with_name("chart-keys.txt")
    lines = [f"# keys of the zero-to-jupyterhub chart {chart_version}, from its values.schema.yaml "
             "by hub/kubernetes/chart_keys.py"]
    out.write_text("\n".join(lines + sorted(set(key_paths(schema)))) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
