"""Reads cassette files with PyYAML as vcrpy does, and prints what it read as JSON.

Run by the interop suite as: /usr/bin/python3 pyyaml-read.py FILE...
vcrpy reads a cassette with vcr/serializers/yamlserializer.py `deserialize`: yaml.load with PyYAML's
CLoader, or Loader without libyaml. This does the same, with the same choice of loader (importing
vcr itself would double the start-up time), to any YAML cassette, vcrpy's or Ruby VCR's.
stdout: a JSON list, one document per file; a bytes value (a `!!binary` body) as {"base64": ...},
any other value PyYAML builds that JSON lacks (a timestamp) as its str().
Exits with 3 when PyYAML cannot be imported.
"""
import base64
import json
import sys

try:
    import yaml
except ImportError as error:
    sys.stderr.write("%s\n" % error)
    sys.exit(3)

try:
    from yaml import CLoader as Loader
except ImportError:
    from yaml import Loader


def plain(value):
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return str(value)


documents = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        documents.append(yaml.load(f.read(), Loader=Loader))
json.dump(documents, sys.stdout, default=plain)
